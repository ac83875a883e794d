#include "CSQLiteSetup.h"
#include <sqlite3.h>

int cosmic_sqlite_configure_for_owned_connections(void) {
    int code = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (code != SQLITE_OK) return code;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
