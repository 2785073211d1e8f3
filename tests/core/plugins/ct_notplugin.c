/* ct_notplugin.c — a shared object with no proctor_plugin_entry symbol. */
int ct_not_a_plugin(int x);
int ct_not_a_plugin(int x) { return x + 1; }
