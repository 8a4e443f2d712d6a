import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "happy-dom",
    environmentOptions: {
      happyDOM: {
        url: "https://shop.example/",
        settings: {
          disableJavaScriptFileLoading: true,
          disableCSSFileLoading: true,
          enableIframePageLoading: true,
        },
      },
    },
    include: ["test/**/*.test.ts"],
    restoreMocks: true,
  },
});
