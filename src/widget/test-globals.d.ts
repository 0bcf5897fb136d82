// Mocha's BDD globals as web-test-runner provides them in the browser, for `tsc`.
// Remove this file if @types/mocha is added to the project (it declares the same names).
declare function describe(name: string, fn: () => void): void;
declare function it(name: string, fn: () => void | Promise<unknown>): void;
declare function before(fn: () => void | Promise<unknown>): void;
declare function after(fn: () => void | Promise<unknown>): void;
declare function beforeEach(fn: () => void | Promise<unknown>): void;
declare function afterEach(fn: () => void | Promise<unknown>): void;
