package cli

// LowerBackupCost makes the encrypted backups of in-process runs cheap to
// make: scrypt at 2^10 instead of 2^18, a millisecond and 1 MiB instead of
// about a second and 256 MiB each, for tests that make many side by side.
// The end-to-end runs of the program keep the real cost.
func LowerBackupCost() { backupWorkFactor = 10 }
