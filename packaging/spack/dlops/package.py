# Spack package for dlops. Use it from a local repository:
#   spack repo create ~/myrepo && cp -r packaging/spack/dlops ~/myrepo/packages/
#   spack repo add ~/myrepo && spack install dlops +fortran +cuda +nccl cuda_arch=80
from spack.package import *


class Dlops(CMakePackage, CudaPackage):
    """Distributed linear operators and iterative solvers for large inverse problems
    (C library with Fortran modules; MPI, MPI-RMA and NCCL communication backends)."""

    # PLACEHOLDERS: dlops has no public repository or release URL yet. Before use, point `git`
    # at the repository you build from (a local clone works: git = "file:///path/to/dlops") and
    # put real GitHub handles in maintainers(); neither address below exists.
    homepage = "https://github.com/dlops/dlops"  # placeholder
    git = "https://github.com/dlops/dlops.git"  # placeholder
    # maintainers("github-handle")  # none yet: Spack's maintainers are GitHub accounts
    license("BSD-3-Clause")  # LICENSE

    version("main", branch="main")
    # Releases are tags vX.Y.Z (docs/release.md). A release commit cannot hold its own hash: the
    # next release adds commit="..." to the previous version's line.
    version("0.2.0", tag="v0.2.0")

    variant("fortran", default=True, description="Build the Fortran module (module dlops)")
    variant("nccl", default=False, description="Build the NCCL communication backend (needs +cuda)")
    variant("rma", default=True, description="Build the MPI one-sided (RMA) backend")
    variant("scalapack", default=False, description="Build the ScaLAPACK cross-validation tests")
    variant("benchmarks", default=False, description="Build the Google Benchmark programs in perf/")
    variant("shared", default=True, description="Shared libraries (the CUDA plugin needs them)")

    conflicts("+nccl", when="~cuda", msg="NCCL works on device memory: enable +cuda")
    conflicts("+cuda", when="~shared", msg="the CUDA part is a plugin loaded by a shared libdlops")

    depends_on("c", type="build")
    depends_on("fortran", type="build", when="+fortran")
    depends_on("cxx", type="build", when="+cuda")  # nvcc's host compiler
    depends_on("cxx", type="build", when="+benchmarks")  # Google Benchmark programs are C++
    depends_on("cmake@3.21:", type="build")
    depends_on("mpi")
    depends_on("mpi@3:", when="+rma")  # MPI-3 one-sided: lock_all, Win_allocate, request-based RMA
    depends_on("blas")
    depends_on("lapack")
    depends_on("fftw@3: precision=float,double")  # FFT operators (fftw3, fftw3f)
    depends_on("zlib-api")  # .npz reading
    depends_on("pkgconfig", type="build")  # finds fftw3/fftw3f
    depends_on("nccl", when="+nccl")
    depends_on("scalapack", when="+scalapack")
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
            self.define_from_variant("BUILD_SHARED_LIBS", "shared"),
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
