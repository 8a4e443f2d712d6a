// happy-dom lays nothing out: every box measures 0 × 0. The inbox's virtualized list shows
// the rows that fit its scroll box, so give that box a tablet's size; rows still measure 0.
const SCROLLER = "conversation-scroller";
for (const [name, size] of [
  ["clientWidth", 360],
  ["clientHeight", 640],
] as const) {
  const original = Object.getOwnPropertyDescriptor(Element.prototype, name);
  Object.defineProperty(HTMLElement.prototype, name, {
    configurable: true,
    get(this: HTMLElement) {
      if (this.dataset.testid === SCROLLER) return size;
      return (original?.get?.call(this) as number | undefined) ?? 0;
    },
  });
}
