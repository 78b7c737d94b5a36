"""Review of congress reports by the direct superior unit: queue, return/approve/reopen, history, reminders."""
