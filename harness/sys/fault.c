/* fault.c -- the test-only I/O fault layer (see fault.h): an SQLite VFS shim
 * over the default VFS, an allocator wrapper, and a stdio cookie for the
 * program's own files.  Nothing here is active unless RMSBENCH_FAULT_IO is set. */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sys/fault.h"

static struct {
    int on;
    enum fault_kind kind;
    long at;            /* the first operation that fails (1-based) */
    int eio;            /* ERR = ioerr */
    long count;
    const char *log;    /* RMSBENCH_FAULT_IO_LOG: a line per process that failed one */
    int logged;
} F;

int fault_hit(enum fault_kind kind)
{
    if (!F.on || kind != F.kind)
        return 0;
    /* count only up to the failing one: a long run must not wrap the count */
    if (F.count < F.at)
        F.count++;
    if (F.count < F.at)
        return 0;
    if (!F.logged && F.log) {   /* tell the test that this N was reached */
        F.logged = 1;
        FILE *l = fopen(F.log, "a");
        if (l) {
            fprintf(l, "%d\n", (int)getpid());
            fclose(l);
        }
    }
    return F.eio ? EIO : ENOSPC;
}

/* ---- SQLite: a file wraps the real VFS's file, which follows it in memory */
typedef struct shim_file {
    sqlite3_file base;
    sqlite3_file *real;
} shim_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_io;

#define REAL(f) (((shim_file *)(f))->real)

static int io_error(int e, int code)
{
    return e == ENOSPC ? SQLITE_FULL : code;
}

static int x_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
    return rc;
}
static int x_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int x_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    int e = fault_hit(FAULT_WRITE);
    return e ? io_error(e, SQLITE_IOERR_WRITE) : REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int x_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int e = fault_hit(FAULT_WRITE);
    return e ? io_error(e, SQLITE_IOERR_TRUNCATE) : REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int x_sync(sqlite3_file *f, int flags)
{
    int e = fault_hit(FAULT_SYNC);
    return e ? io_error(e, SQLITE_IOERR_FSYNC) : REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int x_size(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int x_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int x_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int x_check(sqlite3_file *f, int *o) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), o); }
static int x_fctl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int x_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int x_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int x_shmmap(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p);
}
static int x_shmlock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void x_shmbarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int x_shmunmap(sqlite3_file *f, int del) { return REAL(f)->pMethods->xShmUnmap(REAL(f), del); }
static int x_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, p); }
static int x_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static int x_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)v;
    shim_file *s = (shim_file *)f;
    s->real = (sqlite3_file *)(s + 1);
    memset(s->real, 0, (size_t)real_vfs->szOsFile);
    int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out);
    /* SQLite calls xClose whenever pMethods is set, even after a failed open */
    s->base.pMethods = s->real->pMethods ? &shim_io : NULL;
    if (s->real->pMethods && s->real->pMethods->iVersion < shim_io.iVersion) {
        /* the shim claims no more than the real file offers */
        static sqlite3_io_methods v1, v2;
        sqlite3_io_methods *m = s->real->pMethods->iVersion == 1 ? &v1 : &v2;
        *m = shim_io;
        m->iVersion = s->real->pMethods->iVersion;
        s->base.pMethods = m;
    }
    return rc;
}
static int x_delete(sqlite3_vfs *v, const char *n, int sync) { (void)v; return real_vfs->xDelete(real_vfs, n, sync); }
static int x_access(sqlite3_vfs *v, const char *n, int fl, int *o) { (void)v; return real_vfs->xAccess(real_vfs, n, fl, o); }
static int x_full(sqlite3_vfs *v, const char *n, int len, char *o) { (void)v; return real_vfs->xFullPathname(real_vfs, n, len, o); }
static void *x_dlopen(sqlite3_vfs *v, const char *n) { (void)v; return real_vfs->xDlOpen(real_vfs, n); }
static void x_dlerror(sqlite3_vfs *v, int n, char *m) { (void)v; real_vfs->xDlError(real_vfs, n, m); }
static void (*x_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return real_vfs->xDlSym(real_vfs, h, s); }
static void x_dlclose(sqlite3_vfs *v, void *h) { (void)v; real_vfs->xDlClose(real_vfs, h); }
static int x_random(sqlite3_vfs *v, int n, char *o) { (void)v; return real_vfs->xRandomness(real_vfs, n, o); }
static int x_sleep(sqlite3_vfs *v, int us) { (void)v; return real_vfs->xSleep(real_vfs, us); }
static int x_time(sqlite3_vfs *v, double *t) { (void)v; return real_vfs->xCurrentTime(real_vfs, t); }
static int x_lasterr(sqlite3_vfs *v, int n, char *m) { (void)v; return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, m) : 0; }
static int x_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, t); }

static int install_vfs(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2)
        return -1;
    shim_io = (sqlite3_io_methods){
        3, x_close, x_read, x_write, x_truncate, x_sync, x_size, x_lock, x_unlock, x_check,
        x_fctl, x_sector, x_dev, x_shmmap, x_shmlock, x_shmbarrier, x_shmunmap, x_fetch,
        x_unfetch,
    };
    shim_vfs = (sqlite3_vfs){
        .iVersion = 2, .szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname, .zName = "rmsbench-fault",
        .xOpen = x_open, .xDelete = x_delete, .xAccess = x_access,
        .xFullPathname = x_full, .xDlOpen = x_dlopen, .xDlError = x_dlerror,
        .xDlSym = x_dlsym, .xDlClose = x_dlclose, .xRandomness = x_random,
        .xSleep = x_sleep, .xCurrentTime = x_time, .xGetLastError = x_lasterr,
        .xCurrentTimeInt64 = x_time64,
    };
    return sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* ---- SQLite's allocator, wrapped */
static sqlite3_mem_methods real_mem;

static void *m_malloc(int n) { return fault_hit(FAULT_ALLOC) ? NULL : real_mem.xMalloc(n); }
static void *m_realloc(void *p, int n) { return fault_hit(FAULT_ALLOC) ? NULL : real_mem.xRealloc(p, n); }
static void m_free(void *p) { real_mem.xFree(p); }
static int m_size(void *p) { return real_mem.xSize(p); }
static int m_round(int n) { return real_mem.xRoundup(n); }
static int m_init(void *a) { return real_mem.xInit(a); }
static void m_shutdown(void *a) { real_mem.xShutdown(a); }

static int install_alloc(void)
{
    static sqlite3_mem_methods wrap;
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
        return -1;
    wrap = (sqlite3_mem_methods){ m_malloc, m_free, m_realloc, m_size, m_round, m_init,
                                  m_shutdown, real_mem.pAppData };
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &wrap) == SQLITE_OK ? 0 : -1;
}

int fault_init(char *err, size_t errlen)
{
    static const char *const kinds[] = { "write", "sync", "alloc" };
    const char *env = getenv("RMSBENCH_FAULT_IO");
    if (!env || !*env)
        return 0;
    int k;
    for (k = 0; k < 3; k++) {
        size_t l = strlen(kinds[k]);
        if (!strncmp(env, kinds[k], l) && env[l] == ':')
            break;
    }
    char *end = NULL;
    long at = k < 3 ? strtol(env + strlen(kinds[k]) + 1, &end, 10) : 0;
    int eio = end && !strcmp(end, ":ioerr");
    if (k == 3 || at < 1 || (*end && strcmp(end, ":full") && !eio)) {
        snprintf(err, errlen, "RMSBENCH_FAULT_IO='%s' is not KIND:N[:full|ioerr] "
                 "(KIND write, sync or alloc; N >= 1)", env);
        return -1;
    }
    F.kind = (enum fault_kind)k;
    F.at = at;
    F.eio = eio;
    if ((k == FAULT_ALLOC ? install_alloc() : 0) || install_vfs()) {
        snprintf(err, errlen, "RMSBENCH_FAULT_IO: cannot install the fault layer in SQLite");
        return -1;
    }
    F.log = getenv("RMSBENCH_FAULT_IO_LOG");
    F.on = 1;
    return 0;
}

/* ---- the program's own files */
static ssize_t c_write(void *c, const char *b, size_t n)
{
    int e = fault_hit(FAULT_WRITE);
    if (e) {
        errno = e;
        return -1;
    }
    size_t w = fwrite(b, 1, n, c);
    return w == n ? (ssize_t)w : -1;
}
static int c_close(void *c)
{
    int e = fault_hit(FAULT_SYNC);
    int rc = fclose(c);
    if (e) {
        errno = e;
        return -1;
    }
    return rc;
}

FILE *fault_fopen(const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (!f || !F.on)
        return f;
    FILE *w = fopencookie(f, mode, (cookie_io_functions_t){ NULL, c_write, NULL, c_close });
    if (!w)
        fclose(f);
    return w;
}
