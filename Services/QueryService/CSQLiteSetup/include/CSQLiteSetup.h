#ifndef COSMIC_CSQLITE_SETUP_H
#define COSMIC_CSQLITE_SETUP_H

/// Configures SQLite for this process before its first connection opens: connections without
/// their own mutex (GRDB already gives each connection one thread at a time) and no global memory
/// statistics (a second mutex around every allocation). `sqlite3_config` is variadic, which Swift
/// cannot call. Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialized (the
/// defaults then stay, which are correct, only slower).
int cosmic_sqlite_configure_for_owned_connections(void);

#endif
