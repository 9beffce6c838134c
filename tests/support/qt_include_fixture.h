// Fixture for the core_rejects_qt_include test: a core file that includes Qt must be refused.
#pragma once
#include <QString>
