/** `13.0.2 (05Feb23) x86_64-pc-linux-gnu,debian,12` (a Client row's uname) → the FD version and its OS. */
export function splitUname(uname: string): { version: string; os: string } {
  const m = /^(\S+(?: \([^)]*\))?)\s+(.*)$/.exec(uname);
  return m ? { version: m[1], os: m[2] } : { version: uname, os: '' };
}
