// Whether a process still runs (signal 0 probes without sending anything): temp files and folders carry their
// writer's pid, and only those of dead processes are swept; rollouts are claimed by a live driver's pid.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
