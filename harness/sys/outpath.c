/* outpath.c -- checked stdout and safe replacement of output files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sys/fault.h"
#include "sys/outpath.h"

int out_stdout_check(char *err, size_t errlen)
{
    /* ferror catches a write that failed earlier (and was cleared from the
     * buffer); fflush the bytes still buffered */
    int e = 0;
    if (fflush(stdout) != 0)
        e = errno ? errno : EIO;
    else if (ferror(stdout))
        e = EIO;
    if (!e)
        return 0;
    snprintf(err, errlen, "writing to stdout failed: %s", strerror(e));
    return -1;
}

int out_path_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "'%s': %s", path, strerror(errno));
        return -1;
    }
    const char *what = S_ISREG(st.st_mode) ? NULL
                     : S_ISLNK(st.st_mode) ? "a symlink"
                     : S_ISDIR(st.st_mode) ? "a directory"
                     : S_ISFIFO(st.st_mode) ? "a FIFO"
                     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                     : S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file";
    if (!what)
        return 0;
    snprintf(err, errlen, "'%s' is %s, not a regular file (not replaced)", path, what);
    return -1;
}

FILE *out_tmp_open(const char *final, char *tmp, size_t tmplen)
{
    if (snprintf(tmp, tmplen, "%s.tmp.%d", final, (int)getpid()) >= (int)tmplen) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    unlink(tmp);   /* our own leftover of a killed earlier run with this pid */
    return fault_fopen(tmp, "wx");
}

int out_tmp_commit(FILE *f, const char *tmp, const char *final, char *err, size_t errlen)
{
    int werr = ferror(f) ? (errno ? errno : EIO) : 0;
    if (fclose(f) != 0 && !werr)
        werr = errno ? errno : EIO;
    if (werr)
        snprintf(err, errlen, "writing '%s' failed: %s", final, strerror(werr));
    else if (out_path_check(final, err, errlen) == 0) {
        if (rename(tmp, final) == 0)
            return 0;
        snprintf(err, errlen, "cannot rename into '%s': %s", final, strerror(errno));
    }
    unlink(tmp);
    return -1;
}
