/**
 * The environment `initTelemetry` reads by default. Only the standard OpenTelemetry variables
 * are used (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
 * `OTEL_SERVICE_NAME`, `OTEL_SDK_DISABLED`, `OTEL_TRACES_EXPORTER`; the SDK itself reads
 * `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`), so every process shares one spelling.
 */
export function telemetryEnv(): Record<string, string | undefined> {
  return process.env;
}
