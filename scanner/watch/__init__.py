"""``mlscan watch``: rescan one resource when a cloud says it changed, store the verdict, alert.

Events only *name* a resource (an EventBridge SageMaker state change or CloudTrail API call from an
SQS queue, an Azure Event Grid event, a Cloud Asset Inventory feed message via Pub/Sub push): the
resource is then re-read read-only from the cloud, so a duplicate or out-of-order event simply reads
the current state again and changes nothing. Each verdict is recorded in the history store, compared
with each finding's latest verdict in any earlier scan, and new or regressed failures are notified.
"""
