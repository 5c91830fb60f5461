import { describe, expect, it } from "vitest";
import { holdNextCall } from "./hold-call.js";

class Store {
  calls = 0;
  async read(n: number): Promise<number> {
    this.calls++;
    return n * 2;
  }
}

describe("holdNextCall", () => {
  it("parks the next call until released, then passes later calls straight through", async () => {
    const store = new Store();
    const held = holdNextCall(store, "read");
    let settled = false;
    const first = store.read(2).then((value) => ((settled = true), value));
    await held.reached;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(store.calls).toBe(0);
    held.release();
    expect(await first).toBe(4);
    expect(await store.read(5)).toBe(10);
    expect(store.calls).toBe(2);
  });

  it("lets the first calls through when asked to hold one midway", async () => {
    const store = new Store();
    const held = holdNextCall(store, "read", { after: 2 });
    expect(await store.read(1)).toBe(2);
    expect(await store.read(2)).toBe(4);
    const third = store.read(3);
    await held.reached;
    expect(store.calls).toBe(2);
    held.release();
    expect(await third).toBe(6);
  });

  it("puts the prototype method back on restore", async () => {
    const store = new Store();
    const held = holdNextCall(store, "read");
    held.restore();
    expect(Object.prototype.hasOwnProperty.call(store, "read")).toBe(false);
    expect(await store.read(1)).toBe(2);
  });

  it("refuses a property that is not a method", () => {
    expect(() => holdNextCall({ value: 1 } as { value: number }, "value")).toThrow(TypeError);
  });
});
