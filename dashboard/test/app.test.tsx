import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../src/App";
import { strings } from "../src/strings";
import { THEME_KEY } from "../src/theme";
import { ME, ORG, json, renderWith } from "./render";

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  delete document.documentElement.dataset.theme;
});

describe("the shell", () => {
  it("tells a signed-out visitor how to get a sign-in link", async () => {
    renderWith(<App />, { "GET /api/me": () => json({ detail: "not signed in" }, 401) });
    expect(await screen.findByRole("heading", { name: strings.signedOut.title })).toBeTruthy();
    expect(screen.getByText("perceptron sign-in-link")).toBeTruthy();
    expect(screen.getByText(/perceptron up/)).toBeTruthy();
  });

  it("shows how to sign in when the session ends while the inbox is open", async () => {
    let signedIn = true;
    renderWith(<App />, {
      "GET /api/me": () => (signedIn ? json(ME) : json({ detail: "not signed in" }, 401)),
      [`GET /api/orgs/${ORG}/conversations`]: () => {
        signedIn = false;
        return json({ detail: "not signed in" }, 401);
      },
    });
    expect(await screen.findByRole("heading", { name: strings.signedOut.title })).toBeTruthy();
  });

  it("shows an owner every section, and says when there is no page at an address", async () => {
    renderWith(
      <App />,
      {
        "GET /api/me": () => json(ME),
      },
      "/nowhere",
    );
    const nav = await screen.findByRole("navigation", { name: strings.nav.label });
    const links = within(nav)
      .getAllByRole("link")
      .map((link) => link.textContent);
    expect(links).toEqual(["Inbox", "Knowledge", "Analytics", "Simulations", "Settings", "Privacy"]);
    expect(screen.getByText(strings.notFound)).toBeTruthy();
    expect(screen.getByTestId("organization").textContent).toBe("Lumen");
  });

  it("follows the system theme until one is chosen, and remembers the choice", async () => {
    const { requests } = renderWith(<App />, {
      "GET /api/me": () => json(ME),
      [`GET /api/orgs/${ORG}/conversations`]: () => json({ items: [], total: 0 }),
    });
    const select = (await screen.findByTestId("theme")) as HTMLSelectElement;
    expect(select.value).toBe("system");
    expect(document.documentElement.dataset.theme).toBeUndefined();
    select.value = "dark";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    await screen.findByDisplayValue(strings.theme.dark);
    expect(window.localStorage.getItem(THEME_KEY)).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(document.cookie).toBe(""); // the session cookie is the only one, and httpOnly
    expect(requests.every((request) => request.method === "GET")).toBe(true);
  });
});
