/* A valid shared library without __loom_func_names: not a Loom module. */
int plain_function(int x) { return x + 1; }
