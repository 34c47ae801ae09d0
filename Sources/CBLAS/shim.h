// OpenBLAS's CBLAS interface and the reference LAPACKE interface.
// The include directory of cblas.h comes from pkg-config (openblas.pc);
// lapacke.h lives in the default include path on Debian (liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>
