// Reads the YAML documents of a rendered kustomization on standard input, validates each object against the schema of
// its apiVersion and kind, and prints {"objects": [...], "problems": [...]} as JSON for the tests to read.
// The schemas are compiled into the packages: kubernetes-models from the Kubernetes OpenAPI document, and
// @kubernetes-models/keda from KEDA's CustomResourceDefinitions (ScaledObject, TriggerAuthentication). They check
// types, required fields and enumerations; like the API server's own schemas they allow fields they do not name.
import { parseAllDocuments } from "yaml";

const input = await new Promise((resolve, reject) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", chunk => (text += chunk));
  process.stdin.on("end", () => resolve(text));
  process.stdin.on("error", reject);
});

const objects = [];
const problems = [];
for (const document of parseAllDocuments(input)) {
  if (document.errors.length > 0) {
    problems.push(`YAML: ${document.errors.map(e => e.message).join("; ")}`);
    continue;
  }
  const object = document.toJS();
  if (object === null || object === undefined) {
    continue;
  }
  // Newer kustomize folds long base64 values over several lines; the API server's decoder skips the line breaks, the
  // schema's "byte" format does not.
  if (object.apiVersion === "v1" && object.kind === "Secret" && object.data) {
    for (const key of Object.keys(object.data)) {
      if (typeof object.data[key] === "string") {
        object.data[key] = object.data[key].replace(/[\r\n]/g, "");
      }
    }
  }
  objects.push(object);
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name ?? "(no name)"}`;
  const model = await modelFor(object.apiVersion, object.kind);
  if (model === undefined) {
    problems.push(`${name}: no schema for this apiVersion and kind`);
    continue;
  }
  try {
    new model(object).validate();
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
}
process.stdout.write(JSON.stringify({ objects, problems }));

async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return undefined;
  }
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const module = group === "keda.sh" || group === "eventing.keda.sh"
    ? `@kubernetes-models/keda/${apiVersion}`
    : `kubernetes-models/${apiVersion}`;
  try {
    return (await import(module))[kind];
  } catch (error) {
    if (error.code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || error.code === "ERR_MODULE_NOT_FOUND") {
      return undefined;
    }
    throw error;
  }
}
