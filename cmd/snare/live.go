package main

// listInterfaces prints the devices for -D.
func listInterfaces(e *env) error {
	return errorf("live capture is not supported yet")
}

// listLinkTypes prints the device's data link types for -L.
func listLinkTypes(cfg *config, e *env) error {
	return errorf("live capture is not supported yet")
}

// listTimestampTypes prints the device's time stamp types for -J.
func listTimestampTypes(cfg *config, e *env) error {
	return errorf("live capture is not supported yet")
}

// capture reads from a live interface.
func capture(cfg *config, e *env) error {
	return errorf("live capture is not supported yet")
}
