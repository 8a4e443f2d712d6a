import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { App } from "./App";
import { createApi } from "./api/client";
import { ApiContext, createQueryClient } from "./api/queries";
import { applyTheme, storedTheme } from "./theme";
import "./styles.css";

applyTheme(storedTheme()); // before the first paint: no flash of the other theme

const queryClient = createQueryClient();
const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");

createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={createApi()}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename={import.meta.env.BASE_URL.replace(/\/$/, "")}>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </ApiContext.Provider>
  </StrictMode>,
);
