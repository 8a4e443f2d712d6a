// Server state of the simulations screen: the list, one simulation (polled while it runs),
// its per-case results, starting and deleting one. Owners and admins (OrgAdmin).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Schemas, unwrap } from "./client";
import { useApi } from "./queries";

export type Simulation = Schemas["SimulationPublic"];
export type SimulationRequest = Schemas["SimulationRequest"];
export type Candidate = Schemas["Candidate"];
export type LabelledQuestion = Schemas["LabelledQuestion"];
export type SimulationCase = Schemas["SimulationResultPublic"];
export type SimulationAnswer = Schemas["SimulationAnswer"];

/** How often a running simulation (and its cases) is asked for again. */
export const POLL_MS = 1000;
const RESULTS_PAGE = 200; // MAX_PAGE_SIZE in api/paging.py

export const simulationKeys = {
  all: (orgId: string) => ["simulations", orgId] as const,
  list: (orgId: string) => ["simulations", orgId, "list"] as const,
  one: (orgId: string, id: string) => ["simulations", orgId, "detail", id] as const,
  results: (orgId: string, id: string) => ["simulations", orgId, "results", id] as const,
};

export function isRunning(simulation: Pick<Simulation, "status"> | undefined): boolean {
  return simulation?.status === "pending" || simulation?.status === "running";
}

export function useSimulations(orgId: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: simulationKeys.list(orgId),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/simulations", {
          params: { path: { org_id: orgId }, query: { limit: 50 } },
        }),
      ),
    // While one runs, its progress in the list moves too.
    refetchInterval: (query) => (query.state.data?.items.some(isRunning) ? POLL_MS * 2 : false),
  });
}

export function useSimulation(orgId: string, id: string) {
  const { client } = useApi();
  return useQuery({
    queryKey: simulationKeys.one(orgId, id),
    queryFn: async () =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/simulations/{simulation_id}", {
          params: { path: { org_id: orgId, simulation_id: id } },
        }),
      ),
    refetchInterval: (query) => (query.state.data === undefined || isRunning(query.state.data) ? POLL_MS : false),
  });
}

/** The cases, a page of 200 at a time; polled with the simulation while it runs. */
export function useSimulationResults(orgId: string, id: string, running: boolean) {
  const { client } = useApi();
  return useInfiniteQuery({
    queryKey: simulationKeys.results(orgId, id),
    initialPageParam: 0,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await client.GET("/api/orgs/{org_id}/simulations/{simulation_id}/results", {
          params: {
            path: { org_id: orgId, simulation_id: id },
            query: { limit: RESULTS_PAGE, offset: pageParam },
          },
        }),
      ),
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.items.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
    refetchInterval: running ? POLL_MS : false,
  });
}

export function useStartSimulation(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: SimulationRequest) =>
      unwrap(
        await client.POST("/api/orgs/{org_id}/simulations", {
          params: { path: { org_id: orgId } },
          body,
        }),
      ),
    onSuccess: (started) => {
      queryClient.setQueryData(simulationKeys.one(orgId, started.id), started);
      void queryClient.invalidateQueries({ queryKey: simulationKeys.list(orgId) });
    },
  });
}

export function useDeleteSimulation(orgId: string) {
  const { client } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await client.DELETE("/api/orgs/{org_id}/simulations/{simulation_id}", {
          params: { path: { org_id: orgId, simulation_id: id } },
        }),
      ),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: simulationKeys.one(orgId, id) });
      queryClient.removeQueries({ queryKey: simulationKeys.results(orgId, id) });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: simulationKeys.list(orgId) }),
  });
}
