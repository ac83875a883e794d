# Stand-in for the registry's swift:<version>-bookworm: Debian bookworm with the toolchain found on
# this machine (/opt/swift, installed under /usr as in the official image) and the local Swift
# package mirror with the git URL rewrite that makes `swift package resolve` use it.
# Built by compose/stand-ins/build from a context of /opt/swift/usr, /opt/swift-packages and this file.
FROM debian:bookworm-slim
# The official image's run-time dependencies of the toolchain.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        binutils ca-certificates git gnupg2 libc6-dev libcurl4-openssl-dev libedit2 libgcc-12-dev \
        libncurses6 libpython3.11 libsqlite3-0 libstdc++-12-dev libxml2-dev libz3-dev pkg-config \
        tzdata unzip zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
COPY opt/swift/usr/ /usr/
COPY opt/swift-packages/ /opt/swift-packages/
RUN git config --system url./opt/swift-packages/.insteadOf https://github.com/ \
    && git config --system --add url./opt/swift-packages/.insteadOf git@github.com: \
    && swift --version
LABEL org.cosmic.stand-in="local toolchain and package mirror"
CMD ["bash"]
