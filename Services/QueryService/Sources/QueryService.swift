// The read side lands with issue 4; this target holds its library code.
enum QueryServiceModule {}
