package main

import (
	"log"
	"os"
	"strings"
	"syscall"
)

// ORDERS_RETRIES_PRE_2026=1 runs this same service linked against the SDK from before the 2026
// retry update — aws-sdk-go-v2 v1.47.8 and service/dynamodb v1.73.2 (go.pre2026.mod), whose
// standard retryer retries a timeout for 10 quota tokens and anything else for 5, 3 attempts,
// unless AWS_NEW_RETRIES_2026=true — built beside this binary as <this>-pre2026
// (`outage-lab install --examples`): this binary replaces itself with that one.
func reexecPre2026() {
	if os.Getenv("ORDERS_RETRIES_PRE_2026") != "1" {
		return
	}
	self, err := os.Executable()
	if err != nil {
		log.Fatalf("orders: ORDERS_RETRIES_PRE_2026=1: cannot find this binary: %v", err)
	}
	if strings.HasSuffix(self, "-pre2026") {
		return
	}
	target := self + "-pre2026"
	if err := syscall.Exec(target, append([]string{target}, os.Args[1:]...), os.Environ()); err != nil {
		log.Fatalf("orders: ORDERS_RETRIES_PRE_2026=1 runs %s, built with go.pre2026.mod (outage-lab install --examples): %v", target, err)
	}
}
