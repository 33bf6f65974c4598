resource "aws_sagemaker_endpoint_configuration" "c" {
  name = "c"
  production_variants {
    variant_name = "AllTraffic"
    model_name = "m"
    instance_type = "ml.m5.large"
    initial_instance_count = 2
  }
  data_capture_config {
    enable_capture = true
    initial_sampling_percentage = 100
    destination_s3_uri = "s3://cap/x"
    capture_options { capture_mode = "Input" }
    capture_options { capture_mode = "Output" }
  }
}
resource "aws_sagemaker_endpoint" "e" {
  name = "scoring"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c.name
}
resource "aws_cloudtrail" "t" {
  name = "t"
  s3_bucket_name = "logs"
  advanced_event_selector {
    field_selector {
      field = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field = "resources.type"
      equals = ["AWS::SageMaker::Endpoint"]
    }
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name = "inv"
  namespace = "AWS/SageMaker"
  metric_name = "Invocations"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods = 1
  period = 300
  statistic = "Sum"
  threshold = 10000
  dimensions = {
    EndpointName = aws_sagemaker_endpoint.e.name
    VariantName = "AllTraffic"
  }
}
resource "aws_api_gateway_rest_api" "api" { name = "front" }
resource "aws_api_gateway_integration" "i" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = "r"
  http_method = "POST"
  type = "AWS"
  integration_http_method = "POST"
  uri = "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/${aws_sagemaker_endpoint.e.name}/invocations"
}
resource "aws_api_gateway_stage" "s" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name = "prod"
  deployment_id = "d"
}
resource "aws_wafv2_web_acl" "w" {
  name = "w"
  scope = "REGIONAL"
  default_action { allow {} }
  rule {
    name = "rate"
    priority = 1
    action { block {} }
    statement {
      rate_based_statement {
        limit = 500
        aggregate_key_type = "IP"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = false
      metric_name = "rate"
      sampled_requests_enabled = false
    }
  }
  visibility_config {
    cloudwatch_metrics_enabled = false
    metric_name = "w"
    sampled_requests_enabled = false
  }
}
resource "aws_wafv2_web_acl_association" "wa" {
  resource_arn = aws_api_gateway_stage.s.arn
  web_acl_arn = aws_wafv2_web_acl.w.arn
}
