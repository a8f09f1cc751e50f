package main

import (
	"os/user"
	"strconv"
	"syscall"
)

// dropPrivileges switches to user's uid, gid and groups, as tcpdump's
// -Z does after opening the capture and the first output file.
func dropPrivileges(name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return errorf("Couldn't find user '%.32s'", name)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return errorf("Couldn't find user '%.32s'", name)
	}
	groups := []int{gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.Atoi(g); err == nil && n != gid {
				groups = append(groups, n)
			}
		}
	}
	fail := func(err error) error {
		return errorf("Couldn't change to '%.32s' uid=%d gid=%d: %s", name, uid, gid, errText(err))
	}
	if err := syscall.Setgroups(groups); err != nil {
		return fail(err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fail(err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fail(err)
	}
	return nil
}
