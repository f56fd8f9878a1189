# safemodel_add_fuzz_target(NAME SOURCES src... [LIBRARIES lib...]
#                           [SECONDS n] [CORPUS dir])
#
# A fuzz target for a user-defined kind (safemodel/fuzz_kit.h): an executable
# NAME from SOURCES (which use SAFEMODEL_FUZZ_KIND), linked with
# safemodel::extension and LIBRARIES, and a ctest entry fuzz.NAME that runs it
# for SECONDS (default 20) with a 10 s per-input timeout and a 2 GiB RSS
# limit. New inputs go to <build>/NAME.corpus/; CORPUS (optional, read-only)
# seeds it; crashing inputs are written to <build>/NAME.findings/.
#
# Only SOURCES are instrumented for coverage; LIBRARIES are linked as they
# are. For coverage guidance through the kind's validator and methods, list
# their sources in SOURCES or build the kind's library for fuzzing with
# -fsanitize=fuzzer-no-link (examples/custom-kind builds such a copy).
#
# With Clang the target is a libFuzzer binary (-fsanitize=fuzzer; add
# -fsanitize=address,undefined to CMAKE_CXX_FLAGS for the sanitizers). With
# any other compiler it links a replay driver that runs the kit's mutator
# without coverage guidance, so the target still builds and smoke-tests.
set(_SAFEMODEL_FUZZ_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(safemodel_add_fuzz_target name)
  cmake_parse_arguments(ARG "" "SECONDS;CORPUS" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "safemodel_add_fuzz_target(${name}): SOURCES is required")
  endif()
  if(NOT DEFINED ARG_SECONDS)
    set(ARG_SECONDS 20)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE safemodel::extension ${ARG_LIBRARIES})
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE "${_SAFEMODEL_FUZZ_DIR}/fuzz_replay_main.cc")
  endif()
  set(corpus "${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus")
  set(findings "${CMAKE_CURRENT_BINARY_DIR}/${name}.findings/")
  file(MAKE_DIRECTORY "${corpus}" "${findings}")
  set(dirs "${corpus}")
  if(ARG_CORPUS)
    list(APPEND dirs "${ARG_CORPUS}")
  endif()
  add_test(NAME fuzz.${name}
           COMMAND ${name} ${dirs} -max_total_time=${ARG_SECONDS} -timeout=10 -rss_limit_mb=2048
                   -print_final_stats=1 -artifact_prefix=${findings})
  set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT 0)
  math(EXPR timeout "${ARG_SECONDS} * 3 + 120")
  set_tests_properties(fuzz.${name} PROPERTIES TIMEOUT ${timeout})
endfunction()
