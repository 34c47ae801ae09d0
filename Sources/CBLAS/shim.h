// OpenBLAS's CBLAS interface, and the two LAPACK drivers the library uses.
// The include directory of cblas.h comes from pkg-config (openblas.pc).
#include <stddef.h>
#include <cblas.h>

// libopenblas bundles LAPACK: calling its Fortran drivers directly (instead of LAPACKE, which
// Debian links against the system's libblas.so.3/liblapack.so.3 alternatives) keeps every GEMM
// and every SVD in one OpenBLAS instance, with one thread pool and one kernel choice.
// Column-major, as Fortran; the trailing size_t arguments are gfortran's hidden lengths of the
// character arguments.
void sgesdd_(const char *jobz, const blasint *m, const blasint *n, float *a, const blasint *lda,
             float *s, float *u, const blasint *ldu, float *vt, const blasint *ldvt,
             float *work, const blasint *lwork, blasint *iwork, blasint *info, size_t jobzLength);
void sgesvd_(const char *jobu, const char *jobvt, const blasint *m, const blasint *n,
             float *a, const blasint *lda, float *s, float *u, const blasint *ldu,
             float *vt, const blasint *ldvt, float *work, const blasint *lwork, blasint *info,
             size_t jobuLength, size_t jobvtLength);
