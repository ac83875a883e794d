// Debian's libzmq3-dev installs zmq.h in /usr/include. No pkgConfig on purpose: its
// flags include -isystem /usr/include/mit-krb5, which SwiftPM rejects with a warning.
#include <zmq.h>
