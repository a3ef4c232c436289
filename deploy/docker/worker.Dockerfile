# The detector worker on CPU. Build from the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t provenance-worker .
# For GPU nodes use worker-gpu.Dockerfile.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Provenance.Worker -c Release -o /app --nologo

# The ASP.NET Core runtime: the worker serves /health/live, /health/ready and /metrics (Worker:HealthPort, 8081).
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
USER app
ENTRYPOINT ["dotnet", "Provenance.Worker.dll"]
