# The detector worker on an NVIDIA GPU: built against Microsoft.ML.OnnxRuntime.Gpu (-p:OnnxRuntimeGpu=true) and run on
# a CUDA 13 / cuDNN 9 base image: the Linux CUDA provider of ONNX Runtime 1.32 links libcudart.so.13 and
# libcublas.so.13 and loads cuDNN 9 (the host needs an NVIDIA driver for CUDA 13, R580 or newer). Build from the
# repository root:
#   docker build -f deploy/docker/worker-gpu.Dockerfile -t provenance-worker-gpu .
# and run with the GPU visible (docker run --gpus all, or the compose profile "gpu"), Detector__ExecutionProvider=cuda.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The GPU package also carries the Windows CUDA provider (about 217 MB of DLLs), which a Linux image never loads.
RUN dotnet publish src/Provenance.Worker -c Release -o /app --nologo -p:OnnxRuntimeGpu=true \
 && rm -rf /app/runtimes/win-x64

# The ASP.NET Core runtime (it carries the .NET runtime too): the worker serves its probes and /metrics over HTTP.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS dotnet

FROM nvidia/cuda:13.0.2-cudnn-runtime-ubuntu24.04
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && apt-get update && apt-get install -y --no-install-recommends libicu74 ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV Detector__ExecutionProvider=cuda
ENTRYPOINT ["dotnet", "Provenance.Worker.dll"]
