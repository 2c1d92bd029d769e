# sluice_add_plugin(NAME <target> SOURCES <files...> [LIBRARIES <libs...>] [OUTPUT_DIR <dir>])
#
# Builds a Sluice plugin as a MODULE: hidden visibility, no undefined symbols, and only
# `sluice_plugin_entry` exported (a version script), so two plugins can never clash.
get_filename_component(SLUICE_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(SLUICE_SDK_DIR "${SLUICE_SDK_DIR}" CACHE INTERNAL "Sluice plugin SDK folder")

function(sluice_add_plugin)
  cmake_parse_arguments(ARG "" "NAME;OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SOURCES)
    message(FATAL_ERROR "sluice_add_plugin needs NAME and SOURCES")
  endif()
  add_library(${ARG_NAME} MODULE ${ARG_SOURCES})
  target_include_directories(${ARG_NAME} PRIVATE "${SLUICE_SDK_DIR}/include")
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
    # Built-in plugins: tests and `make build` depend on all of them.
    set_property(GLOBAL APPEND PROPERTY SLUICE_BUILTIN_PLUGINS ${ARG_NAME})
  endif()
  set_target_properties(${ARG_NAME} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIR}")
  # Sanitizer runtimes are provided by the host executable, so --no-undefined only applies to
  # plain builds.
  if(NOT SLUICE_SANITIZE AND NOT SLUICE_FUZZ)
    target_link_options(${ARG_NAME} PRIVATE "LINKER:--no-undefined")
  endif()
  target_link_options(${ARG_NAME} PRIVATE "LINKER:--version-script=${SLUICE_SDK_DIR}/cmake/sluice_plugin.map")
  set_property(TARGET ${ARG_NAME} APPEND PROPERTY LINK_DEPENDS "${SLUICE_SDK_DIR}/cmake/sluice_plugin.map")
endfunction()

# sluice_add_plugin_core(NAME <target> SOURCES <files...> [LIBRARIES <libs...>])
#
# A static, position-independent library with a plugin's internals (generator, window state...),
# linked into the plugin's MODULE and into the unit tests, so the logic can be tested directly as
# well as through dlopen.
function(sluice_add_plugin_core)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SOURCES})
  set_target_properties(${ARG_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${ARG_NAME} PUBLIC "${SLUICE_SDK_DIR}/include" "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_LIBRARIES})
  set_property(GLOBAL APPEND PROPERTY SLUICE_PLUGIN_CORE_LIBS ${ARG_NAME})
endfunction()
