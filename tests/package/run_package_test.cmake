# ctest driver for the packaging tests (cmake -P). Variables:
#   MODE        find_package | pkg_config | add_subdirectory
#   SOURCE_DIR  runcpp's source tree     BINARY_DIR  the built runcpp tree
#   WORK_DIR    a scratch directory      SHARED      ON/OFF (add_subdirectory only)
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}")
  endif()
endfunction()

set(consumer ${SOURCE_DIR}/tests/package/consumer)
if(MODE STREQUAL "find_package" OR MODE STREQUAL "pkg_config")
  run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK_DIR}/stage)
endif()

if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK_DIR}/build -G Ninja -DCMAKE_PREFIX_PATH=${WORK_DIR}/stage)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run(${WORK_DIR}/build/consumer)
elseif(MODE STREQUAL "pkg_config")
  set(ENV{PKG_CONFIG_PATH} ${WORK_DIR}/stage/lib/pkgconfig)
  execute_process(COMMAND pkg-config --define-prefix --cflags --libs runcpp
                  OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT flags MATCHES "${WORK_DIR}/stage")
    message(FATAL_ERROR "pkg-config did not find the staged runcpp: '${flags}'")
  endif()
  separate_arguments(flag_list UNIX_COMMAND "${flags}")
  run(c++ ${consumer}/main.cpp ${flag_list} -o ${WORK_DIR}/consumer)
  run(${WORK_DIR}/consumer)
elseif(MODE STREQUAL "add_subdirectory")
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK_DIR}/build -G Ninja -DRUNCPP_CONSUME=add_subdirectory
      -DRUNCPP_SOURCE_DIR=${SOURCE_DIR} -DBUILD_SHARED_LIBS=${SHARED})
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run(${WORK_DIR}/build/consumer)
else()
  message(FATAL_ERROR "unknown MODE ${MODE}")
endif()
