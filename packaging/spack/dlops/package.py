# Spack package for dlops. Use it from a local repository:
#   spack repo create ~/myrepo && cp -r packaging/spack/dlops ~/myrepo/packages/
#   spack repo add ~/myrepo && spack install dlops +fortran +cuda +nccl cuda_arch=80
from spack.package import *


class Dlops(CMakePackage, CudaPackage):
    """Distributed linear operators and iterative solvers for large inverse problems
    (C library with Fortran modules; MPI, MPI-RMA and NCCL communication backends)."""

    # dlops has no public release URL yet: point `git` at the repository you build from
    # (a local clone works: git = "file:///path/to/dlops").
    homepage = "https://github.com/dlops/dlops"
    git = "https://github.com/dlops/dlops.git"
    maintainers("dlops")
    license("BSD-3-Clause")

    version("main", branch="main")

    variant("fortran", default=True, description="Build the Fortran module (module dlops)")
    variant("nccl", default=False, description="Build the NCCL communication backend (needs +cuda)")
    variant("rma", default=True, description="Build the MPI one-sided (RMA) backend")
    variant("scalapack", default=False, description="Build the ScaLAPACK cross-validation tests")
    variant("benchmarks", default=False, description="Build the Google Benchmark programs in perf/")

    conflicts("+nccl", when="~cuda", msg="NCCL works on device memory: enable +cuda")

    depends_on("c", type="build")
    depends_on("fortran", type="build", when="+fortran")
    depends_on("cmake@3.21:", type="build")
    depends_on("mpi")
    depends_on("blas")
    depends_on("lapack")
    depends_on("nccl", when="+nccl")
    depends_on("scalapack", when="+scalapack")
    depends_on("pkgconfig", type="build", when="+scalapack")
    depends_on("benchmark", when="+benchmarks")

    def cmake_args(self):
        spec = self.spec
        args = [
            self.define_from_variant("DLOPS_ENABLE_FORTRAN", "fortran"),
            self.define_from_variant("DLOPS_ENABLE_CUDA", "cuda"),
            self.define_from_variant("DLOPS_ENABLE_NCCL", "nccl"),
            self.define_from_variant("DLOPS_ENABLE_RMA", "rma"),
            self.define_from_variant("DLOPS_ENABLE_SCALAPACK", "scalapack"),
            self.define_from_variant("DLOPS_ENABLE_BENCHMARKS", "benchmarks"),
            self.define("DLOPS_ENABLE_TESTS", self.run_tests),
            self.define("MPIEXEC_EXECUTABLE", spec["mpi"].prefix.bin.join("mpiexec")),
        ]
        if spec.satisfies("+cuda"):
            archs = spec.variants["cuda_arch"].value
            if archs and archs[0] != "none":
                args.append(self.define("CMAKE_CUDA_ARCHITECTURES", ";".join(archs)))
        if spec.satisfies("+nccl"):
            args.append(self.define("NCCL_ROOT", spec["nccl"].prefix))
        return args
