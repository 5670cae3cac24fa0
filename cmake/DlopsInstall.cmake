# Install rules: library, headers, CMake package (dlops::dlops [, dlops::dlops_fortran]) and dlops.pc.
include(CMakePackageConfigHelpers)

# Where the installed libraries find theirs: libdlops_fortran and the GPU plugin find libdlops
# beside them ($ORIGIN), and libdlops finds BLAS/LAPACK and MPI where it was linked against them
# when that is outside the loader's default path (Spack, modules): the link path is kept.
# Programs linked against the install find libdlops through their own rpath: CMake consumers get
# it from the imported target's location, pkg-config consumers from the -Wl,-rpath in dlops.pc.
set_target_properties(dlops PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
if(TARGET dlops_fortran)
  set_target_properties(dlops_fortran PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
endif()
# A static libdlops needs its dependencies on the consumer's link line: find_dependency(BLAS,
# LAPACK) in the CMake package, Libs.private in dlops.pc (pkg-config --static).
if(BUILD_SHARED_LIBS)
  set(DLOPS_PC_STATIC OFF)
else()
  set(DLOPS_PC_STATIC ON)
endif()
# what dlopsConfig.cmake finds for a static libdlops: every imported target libdlops links privately
set(DLOPS_STATIC_FIND_DEPS "find_dependency(BLAS)\n  find_dependency(LAPACK)")
if(TARGET ZLIB::ZLIB)
  string(APPEND DLOPS_STATIC_FIND_DEPS "\n  find_dependency(ZLIB)")
endif()
if(TARGET PkgConfig::FFTW3)
  string(APPEND DLOPS_STATIC_FIND_DEPS
         "\n  find_dependency(PkgConfig)\n  pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3 fftw3f)")
endif()

install(TARGETS dlops EXPORT dlopsTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

set(DLOPS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dlops)
install(EXPORT dlopsTargets NAMESPACE dlops:: DESTINATION ${DLOPS_CMAKE_DIR})
configure_package_config_file(cmake/dlopsConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/dlopsConfig.cmake
                              INSTALL_DESTINATION ${DLOPS_CMAKE_DIR})
# 0.x: a minor version may break the API, so find_package(dlops 0.2) accepts 0.2.* only; from
# 1.0 on the same major version is compatible.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_dlops_compat SameMinorVersion)
else()
  set(_dlops_compat SameMajorVersion)
endif()
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/dlopsConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY ${_dlops_compat})
# (FindNCCL.cmake is not installed: the package never looks for NCCL or CUDA)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dlopsConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/dlopsConfigVersion.cmake
        DESTINATION ${DLOPS_CMAKE_DIR})

# pkg-config: dlops (C). Libs.private lists what a static link needs, as -l flags.
set(DLOPS_PC_LIBS_PRIVATE "")
foreach(l IN LISTS LAPACK_LIBRARIES BLAS_LIBRARIES ZLIB_LIBRARIES FFTW3_LINK_LIBRARIES)
  if(l MATCHES "^-")
    set(_flag ${l})
  else()
    get_filename_component(_n ${l} NAME_WE)
    string(REGEX REPLACE "^lib" "" _n ${_n})
    set(_flag -l${_n})
  endif()
  if(NOT DLOPS_PC_LIBS_PRIVATE MATCHES " ${_flag}( |$)")
    string(APPEND DLOPS_PC_LIBS_PRIVATE " ${_flag}")
  endif()
endforeach()
if(NOT DLOPS_PC_LIBS_PRIVATE MATCHES " -lm( |$)")
  string(APPEND DLOPS_PC_LIBS_PRIVATE " -lm")
endif()
# The .pc files are relocatable: the prefix is found from the file's own folder, which is
# <libdir>/pkgconfig, so it is as many ".." up as libdir has parts (lib: 2; the multiarch
# lib/x86_64-linux-gnu: 3). Absolute install dirs are written as they are.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(DLOPS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(DLOPS_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  string(REGEX MATCHALL "[^/]+" _dlops_parts "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  set(DLOPS_PC_PREFIX "\${pcfiledir}")
  foreach(_p IN LISTS _dlops_parts)
    if(NOT _p STREQUAL ".")
      string(APPEND DLOPS_PC_PREFIX "/..")
    endif()
  endforeach()
  set(DLOPS_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(DLOPS_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(DLOPS_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
foreach(_l IN LISTS CMAKE_DL_LIBS)
  string(APPEND DLOPS_PC_LIBS_PRIVATE " -l${_l}")
endforeach()
string(APPEND DLOPS_PC_LIBS_PRIVATE " -pthread")
configure_file(cmake/dlops.pc.in ${CMAKE_CURRENT_BINARY_DIR}/dlops.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dlops.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# pkg-config: dlops-fortran (module files are compiler-specific: the .pc names the compiler).
if(TARGET dlops_fortran)
  set(DLOPS_PC_MODDIR ${DLOPS_PC_INCLUDEDIR}/dlops/mod/${CMAKE_Fortran_COMPILER_ID}-${CMAKE_Fortran_COMPILER_VERSION})
  configure_file(cmake/dlops-fortran.pc.in ${CMAKE_CURRENT_BINARY_DIR}/dlops-fortran.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dlops-fortran.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()

# Examples and the perf harness: sources (with their CMakeLists, readable as they are) under
# share/dlops; the example programs under libexec/dlops/examples (not bin: their names,
# poststack or darray_tour, are too generic for a shared bin folder), with an rpath to the
# installed libraries. ctest's own tests stay in the build tree.
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/dlops/examples)
install(DIRECTORY perf/ DESTINATION ${CMAKE_INSTALL_DATADIR}/dlops/perf
        PATTERN "*.sh" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(DLOPS_EXAMPLES_INSTALL_DIR ${CMAKE_INSTALL_LIBEXECDIR}/dlops/examples)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_dlops_ex_rpath "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _dlops_ex_rel "/p/${DLOPS_EXAMPLES_INSTALL_DIR}" "/p/${CMAKE_INSTALL_LIBDIR}")
  set(_dlops_ex_rpath "$<$<PLATFORM_ID:Linux>:\$ORIGIN/${_dlops_ex_rel}>")
endif()
foreach(_ex IN ITEMS darray_tour poststack field_tour poststack_f lsm lsm_f mdd mdd_f)
  if(TARGET ${_ex})
    set_target_properties(${_ex} PROPERTIES INSTALL_RPATH "${_dlops_ex_rpath}" INSTALL_RPATH_USE_LINK_PATH ON)
    install(TARGETS ${_ex} RUNTIME DESTINATION ${DLOPS_EXAMPLES_INSTALL_DIR})
  endif()
endforeach()
# The perf programs beside them (libexec/dlops/perf, the same rpath), so that a cluster user runs
# the harness from an install: perf/run-all --build <prefix>/libexec/dlops (its scripts are in
# share/dlops/perf).
foreach(_b IN ITEMS bench_msg bench_halo bench_dense bench_host bench_kernels bench_overlap bench_poststack
                    bench_logview bench_agree)
  if(TARGET ${_b})
    set_target_properties(${_b} PROPERTIES INSTALL_RPATH "${_dlops_ex_rpath}" INSTALL_RPATH_USE_LINK_PATH ON)
    install(TARGETS ${_b} RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/dlops/perf)
  endif()
endforeach()
