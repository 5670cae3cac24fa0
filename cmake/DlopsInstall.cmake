# Install rules: library, headers, CMake package (dlops::dlops [, dlops::dlops_fortran]) and dlops.pc.
include(CMakePackageConfigHelpers)

install(TARGETS dlops EXPORT dlopsTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

set(DLOPS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dlops)
install(EXPORT dlopsTargets NAMESPACE dlops:: DESTINATION ${DLOPS_CMAKE_DIR})
configure_package_config_file(cmake/dlopsConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/dlopsConfig.cmake
                              INSTALL_DESTINATION ${DLOPS_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/dlopsConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dlopsConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/dlopsConfigVersion.cmake
              cmake/FindNCCL.cmake
        DESTINATION ${DLOPS_CMAKE_DIR})

# pkg-config: dlops (C). Libs.private lists what a static link needs, as -l flags.
set(DLOPS_PC_LIBS_PRIVATE "")
foreach(l IN LISTS LAPACK_LIBRARIES BLAS_LIBRARIES ZLIB_LIBRARIES)
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
configure_file(cmake/dlops.pc.in ${CMAKE_CURRENT_BINARY_DIR}/dlops.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dlops.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# pkg-config: dlops-fortran (module files are compiler-specific: the .pc names the compiler).
if(TARGET dlops_fortran)
  set(DLOPS_PC_FORTRAN_MODDIR ${CMAKE_INSTALL_INCLUDEDIR}/dlops/mod/${CMAKE_Fortran_COMPILER_ID}-${CMAKE_Fortran_COMPILER_VERSION})
  configure_file(cmake/dlops-fortran.pc.in ${CMAKE_CURRENT_BINARY_DIR}/dlops-fortran.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dlops-fortran.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
