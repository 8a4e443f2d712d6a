import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "happy-dom",
    environmentOptions: {
      // No page loads for iframes (the widget preview): tests never reach a server.
      happyDOM: { url: "http://127.0.0.1:8000/dashboard/", settings: { disableIframePageLoading: true } },
    },
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/layout.ts"],
    restoreMocks: true,
  },
});
