/* A function table from some other (future) format version. */
const char __loom_func_names[] = "loom-funcs-v9\nf\n";
