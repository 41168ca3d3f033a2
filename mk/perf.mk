# mk/perf.mk -- rmsbench perf: the roof/threading file needs OpenMP.
FLAGS_perf_roof := -fopenmp
FLAGS_perf_lp := -fopenmp
