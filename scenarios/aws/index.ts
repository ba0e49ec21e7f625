/** AWS: CloudWatch metrics of the watched RDS/Aurora resources over a run, and the soak published to CloudWatch. */
export { awsSchema, publishSchema, watchTargetSchema, type AwsConfig, type AwsConfigInput, type PublishConfig, type RdsEngine, type WatchTarget } from './aws-config.js';
export { rdsMetrics, targetDimension, type MetricUnit, type RdsMetric, type Summary } from './cloudwatch-metrics.js';
export { alignWindow, finestPeriod, periodWords } from '../../run/cloudwatch-period.js';
export { cloudWatchClient } from './cloudwatch-client.js';
export { awsErrorText, DEFAULT_RETRY, isThrottling, withThrottleRetry, type Retried, type RetryPolicy } from './cloudwatch-retry.js';
export { batches, MAX_QUERIES_PER_REQUEST, planQueries, type PlannedQuery } from './cloudwatch-queries.js';
export { fetchRunMetrics, type FetchRunMetricsOptions, type MetricDataSender } from './cloudwatch-fetch.js';
export { CLOUDWATCH_FILE, readCloudWatchRecord, type CloudWatchRecord, type MetricSeries, type PublishSummary, type SeriesStatus } from '../../run/cloudwatch-record.js';
export { MAX_DATA_PER_PUT, SOAK_METRICS, SoakPublisher, type MetricPutter, type SoakPublisherOptions } from './soak-publisher.js';
export { openRunCloudWatch, type RunCloudWatch, type RunCloudWatchOptions } from './run-cloudwatch.js';
