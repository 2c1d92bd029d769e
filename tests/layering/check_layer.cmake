# cmake -DBUILD_DIR=... -DLAYER=... -DALLOWED_TARGET=... -DFORBIDDEN_TARGETS=a;b -DFORBIDDEN_HEADERS=x;y -P check_layer.cmake
# Builds the probe that includes the layers LAYER may use (must succeed), then each probe that
# includes a layer above or beside it (must fail because the header is not on LAYER's include root).
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${ALLOWED_TARGET}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${LAYER}: including the layers it may use does not compile:\n${out}")
endif()
message(STATUS "${LAYER}: the layers it may use compile")

list(LENGTH FORBIDDEN_TARGETS count)
if(count EQUAL 0)
  message(STATUS "${LAYER}: no layer above it")
  return()
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET FORBIDDEN_TARGETS ${i} target)
  list(GET FORBIDDEN_HEADERS ${i} header)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD_DIR}" --target "${target}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc EQUAL 0)
    message(FATAL_ERROR "${LAYER} can include ${header}, a layer it must not use")
  endif()
  string(FIND "${out}" "${header}: No such file or directory" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${LAYER}: ${target} failed, but not because ${header} is out of reach:\n${out}")
  endif()
  message(STATUS "${LAYER}: #include \"${header}\" is refused")
endforeach()
