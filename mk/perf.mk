# mk/perf.mk -- rmsbench perf: the roof/threading files need OpenMP.
FLAGS_perf_roof := -fopenmp
FLAGS_perf_roof_mem := -fopenmp
FLAGS_perf_lp := -fopenmp
