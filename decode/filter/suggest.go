package filter

// Suggest returns the known name nearest to name (the same suggestion an
// unknown field in a filter gets), or "" when none is near. The CLI uses it
// for unknown -e fields.
func Suggest(name string, names []string) string { return suggest(name, names) }
