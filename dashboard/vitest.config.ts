import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "happy-dom",
    environmentOptions: { happyDOM: { url: "http://127.0.0.1:8000/dashboard/" } },
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/layout.ts"],
    restoreMocks: true,
  },
});
