// Free loopback ports chosen at run time; tests never use the default ports.
export { freePort, freePortBase, isFree } from '../../common/free-ports.js';
