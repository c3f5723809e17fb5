// A cluster node notices that its launcher is gone (SIGKILLed, crashed) and stops, instead of
// living on as an orphan that holds the cluster's ports and data directories.
//
// Two signals, because each covers what the other can miss:
// - stdin EOF: the node's stdin is a pipe whose write end only the launcher holds (libuv opens it
//   close-on-exec, so no other child inherits it). The kernel closes it the moment the launcher
//   dies, however it dies: immediate, no polling. Chosen over an IPC channel, which is the same
//   mechanism plus a message protocol and `process.send` the node has no use for.
// - the parent pid changing: an orphan is re-parented (to init or a subreaper), so a poll of
//   process.ppid catches a death even if the pipe's write end leaked into another process or
//   stdin was redirected. Compared with the pid seen at start, so a recycled launcher pid cannot
//   fool it. One cheap syscall per second, unref'd (it never keeps the node alive).

/** Calls `onGone(reason)` once when the launcher goes away; returns a function that stops watching. */
export function watchLauncher(onGone: (reason: string) => void, pollMs = 1000): () => void {
  let fired = false;
  const fire = (reason: string) => {
    if (fired) return;
    fired = true;
    onGone(reason);
  };
  const onEnd = () => fire('end of the launcher pipe (stdin)');
  const onError = () => fire('launcher pipe error (stdin)');
  process.stdin.on('end', onEnd);
  process.stdin.on('error', onError);
  process.stdin.resume();
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid !== parent) fire(`launcher (pid ${parent}) gone: re-parented to pid ${process.ppid}`);
  }, pollMs);
  poll.unref();
  return () => {
    clearInterval(poll);
    process.stdin.off('end', onEnd);
    process.stdin.off('error', onError);
    // An open stdin would keep the event loop (and so the process) alive after the node stopped.
    process.stdin.destroy();
  };
}
