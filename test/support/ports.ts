// Ports for processes a test starts: reserved across processes, outside the kernel's ephemeral
// range and the default ports (common/free-ports.ts). A server the test binds itself binds port 0.
export { freePort, freePortBase, isFree } from '../../common/free-ports.js';
