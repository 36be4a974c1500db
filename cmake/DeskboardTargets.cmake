# Helpers that give every Deskboard target the same compiler settings.

# Runs a command on a private D-Bus session bus with an unlocked gnome-keyring (KEYRING tests).
get_filename_component(DESKBOARD_KEYRING_HARNESS
    "${CMAKE_CURRENT_LIST_DIR}/../tests/support/with-keyring.sh" ABSOLUTE)

# Our own code compiles as C++20 with the usual warnings, as errors while DESKBOARD_WERROR is
# ON (the default, for developers and CI; a packager building with another compiler may turn it
# off so that a new compiler's new warning does not stop a user's build).
function(deskboard_strict target)
    target_compile_features(${target} PUBLIC cxx_std_20)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(DESKBOARD_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
        # GCC 12's -Wrestrict reports impossible overlaps ("accessing 9223372036854775810 or more
        # bytes ... at offset -3") inside libstdc++'s std::string operator+ / replace once they
        # are inlined at -O2 and -O3 (GCC bugs 105329 and 105651, GCC 12 only). It stopped
        # the Release build in bench/protocol; the warning cannot be trusted there, so it is off.
        target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
endfunction()

# A Qt-using target: moc on, strict warnings, no implicit string casts.
function(deskboard_qt_target target)
    deskboard_strict(${target})
    set_target_properties(${target} PROPERTIES AUTOMOC ON)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
        QT_NO_CAST_FROM_BYTEARRAY QT_USE_QSTRINGBUILDER)
endfunction()

# deskboard_add_test(<folder> <subject> [KEYRING] SOURCES ... LIBS ...)
# Builds tests/<folder>/tst_<subject> as a Qt Test executable and registers it with CTest as
# "<folder>.<subject>", so `ctest -R <folder>` selects a folder's suites.
# KEYRING runs the suite under tests/support/with-keyring.sh: a private D-Bus session bus with an
# unlocked gnome-keyring (Secret Service) and a throw-away HOME, for QtKeychain suites.
function(deskboard_add_test folder subject)
    cmake_parse_arguments(ARG "KEYRING" "TIMEOUT" "SOURCES;LIBS;ENVIRONMENT" ${ARGN})
    set(target tst_${folder}_${subject})
    add_executable(${target} ${ARG_SOURCES})
    deskboard_qt_target(${target})
    target_link_libraries(${target} PRIVATE Qt6::Test deskboard_test_support ${ARG_LIBS})
    if(ARG_KEYRING)
        add_test(NAME ${folder}.${subject}
            COMMAND ${DESKBOARD_KEYRING_HARNESS} $<TARGET_FILE:${target}>)
    else()
        add_test(NAME ${folder}.${subject} COMMAND ${target})
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    set_tests_properties(${folder}.${subject} PROPERTIES
        TIMEOUT ${ARG_TIMEOUT}
        LABELS ${folder}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${ARG_ENVIRONMENT}")
endfunction()
