//! Sluice's ASFF model to and from the SDK's typed `AwsSecurityFinding`, member for member.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_securityhub::types as sdk;

use super::*;

fn opt_vec<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn opt_map(m: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    (!m.is_empty()).then(|| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

impl Finding {
    /// The SDK's finding, member for member.
    pub fn to_sdk(&self) -> sdk::AwsSecurityFinding {
        sdk::AwsSecurityFinding::builder()
            .schema_version(&self.schema_version)
            .id(&self.id)
            .product_arn(&self.product_arn)
            .set_product_name(self.product_name.clone())
            .set_company_name(self.company_name.clone())
            .set_region(self.region.clone())
            .generator_id(&self.generator_id)
            .aws_account_id(&self.aws_account_id)
            .set_types(opt_vec(self.types.clone()))
            .created_at(&self.created_at)
            .updated_at(&self.updated_at)
            .set_severity(self.severity.as_ref().map(|s| {
                sdk::Severity::builder()
                    .set_label(s.label.as_deref().map(sdk::SeverityLabel::from))
                    .set_original(s.original.clone())
                    .build()
            }))
            .title(&self.title)
            .description(&self.description)
            .set_product_fields(opt_map(&self.product_fields))
            .set_resources(Some(self.resources.iter().map(Resource::to_sdk).collect()))
            .set_record_state(self.record_state.as_deref().map(sdk::RecordState::from))
            .set_finding_provider_fields(self.finding_provider_fields.as_ref().map(|f| {
                sdk::FindingProviderFields::builder()
                    .set_severity(f.severity.as_ref().map(|s| {
                        sdk::FindingProviderSeverity::builder()
                            .set_label(s.label.as_deref().map(sdk::SeverityLabel::from))
                            .set_original(s.original.clone())
                            .build()
                    }))
                    .set_types(opt_vec(f.types.clone()))
                    .build()
            }))
            .build()
    }

    /// Sluice's model of a finding read back (`GetFindings`), keeping only the members Sluice
    /// sends, so that what Security Hub holds can be validated like what was sent.
    pub fn from_sdk(f: &sdk::AwsSecurityFinding) -> Finding {
        let s = |v: Option<&str>| v.unwrap_or_default().to_string();
        let severity = |label: Option<&sdk::SeverityLabel>, original: Option<&str>| FindingSeverity {
            label: label.map(|l| l.as_str().to_string()),
            original: original.map(str::to_string),
        };
        Finding {
            schema_version: s(f.schema_version()),
            id: s(f.id()),
            product_arn: s(f.product_arn()),
            product_name: f.product_name().map(str::to_string),
            company_name: f.company_name().map(str::to_string),
            region: f.region().map(str::to_string),
            generator_id: s(f.generator_id()),
            aws_account_id: s(f.aws_account_id()),
            types: f.types().to_vec(),
            created_at: s(f.created_at()),
            updated_at: s(f.updated_at()),
            severity: f.severity().map(|v| severity(v.label(), v.original())),
            title: s(f.title()),
            description: s(f.description()),
            product_fields: f
                .product_fields()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            resources: f.resources().iter().map(Resource::from_sdk).collect(),
            record_state: f.record_state().map(|r| r.as_str().to_string()),
            finding_provider_fields: f.finding_provider_fields().map(|p| FindingProviderFields {
                severity: p.severity().map(|v| severity(v.label(), v.original())),
                types: p.types().to_vec(),
            }),
        }
    }
}

impl Resource {
    fn to_sdk(&self) -> sdk::Resource {
        sdk::Resource::builder()
            .r#type(&self.kind)
            .id(&self.id)
            .set_partition(self.partition.as_deref().map(sdk::Partition::from))
            .set_region(self.region.clone())
            .set_tags(opt_map(&self.tags))
            .set_details(self.details.as_ref().map(|d| {
                sdk::ResourceDetails::builder()
                    .set_aws_s3_bucket(d.aws_s3_bucket.as_ref().map(|b| {
                        sdk::AwsS3BucketDetails::builder()
                            .set_name(b.name.clone())
                            .set_server_side_encryption_configuration(
                                b.server_side_encryption_configuration.as_ref().map(|c| {
                                    sdk::AwsS3BucketServerSideEncryptionConfiguration::builder()
                                        .set_rules(opt_vec(
                                            c.rules
                                                .iter()
                                                .map(|r| {
                                                    sdk::AwsS3BucketServerSideEncryptionRule::builder()
                                                        .set_apply_server_side_encryption_by_default(
                                                            r.apply_server_side_encryption_by_default.as_ref().map(
                                                                |e| {
                                                                    sdk::AwsS3BucketServerSideEncryptionByDefault::builder()
                                                                        .set_sse_algorithm(e.sse_algorithm.clone())
                                                                        .set_kms_master_key_id(e.kms_master_key_id.clone())
                                                                        .build()
                                                                },
                                                            ),
                                                        )
                                                        .build()
                                                })
                                                .collect(),
                                        ))
                                        .build()
                                }),
                            )
                            .set_public_access_block_configuration(b.public_access_block_configuration.as_ref().map(
                                |p| {
                                    sdk::AwsS3AccountPublicAccessBlockDetails::builder()
                                        .set_block_public_acls(p.block_public_acls)
                                        .set_block_public_policy(p.block_public_policy)
                                        .set_ignore_public_acls(p.ignore_public_acls)
                                        .set_restrict_public_buckets(p.restrict_public_buckets)
                                        .build()
                                },
                            ))
                            .build()
                    }))
                    .set_aws_s3_object(d.aws_s3_object.as_ref().map(|o| {
                        sdk::AwsS3ObjectDetails::builder()
                            .set_last_modified(o.last_modified.clone())
                            .set_e_tag(o.e_tag.clone())
                            .set_version_id(o.version_id.clone())
                            .set_content_type(o.content_type.clone())
                            .set_server_side_encryption(o.server_side_encryption.clone())
                            .set_ssekms_key_id(o.sse_kms_key_id.clone())
                            .build()
                    }))
                    .build()
            }))
            .set_data_classification(self.data_classification.as_ref().map(|d| {
                sdk::DataClassificationDetails::builder()
                    .set_detailed_results_location(d.detailed_results_location.clone())
                    .set_result(d.result.as_ref().map(DataClassificationResult::to_sdk))
                    .build()
            }))
            .build()
    }

    fn from_sdk(r: &sdk::Resource) -> Resource {
        let details = r.details().map(|d| ResourceDetails {
            aws_s3_bucket: d.aws_s3_bucket().map(|b| S3BucketDetails {
                name: b.name().map(str::to_string),
                server_side_encryption_configuration: b.server_side_encryption_configuration().map(|c| {
                    BucketEncryption {
                        rules: c
                            .rules()
                            .iter()
                            .map(|rule| BucketEncryptionRule {
                                apply_server_side_encryption_by_default: rule
                                    .apply_server_side_encryption_by_default()
                                    .map(|e| EncryptionByDefault {
                                        sse_algorithm: e.sse_algorithm().map(str::to_string),
                                        kms_master_key_id: e.kms_master_key_id().map(str::to_string),
                                    }),
                            })
                            .collect(),
                    }
                }),
                public_access_block_configuration: b.public_access_block_configuration().map(|p| {
                    PublicAccessBlock {
                        block_public_acls: p.block_public_acls(),
                        block_public_policy: p.block_public_policy(),
                        ignore_public_acls: p.ignore_public_acls(),
                        restrict_public_buckets: p.restrict_public_buckets(),
                    }
                }),
            }),
            aws_s3_object: d.aws_s3_object().map(|o| S3ObjectDetails {
                last_modified: o.last_modified().map(str::to_string),
                e_tag: o.e_tag().map(str::to_string),
                version_id: o.version_id().map(str::to_string),
                content_type: o.content_type().map(str::to_string),
                server_side_encryption: o.server_side_encryption().map(str::to_string),
                sse_kms_key_id: o.ssekms_key_id().map(str::to_string),
            }),
        });
        Resource {
            kind: r.r#type().unwrap_or_default().to_string(),
            id: r.id().unwrap_or_default().to_string(),
            partition: r.partition().map(|p| p.as_str().to_string()),
            region: r.region().map(str::to_string),
            tags: r
                .tags()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            details,
            data_classification: r.data_classification().map(|d| DataClassification {
                detailed_results_location: d.detailed_results_location().map(str::to_string),
                result: d.result().map(DataClassificationResult::from_sdk),
            }),
        }
    }
}

impl DataClassificationResult {
    fn to_sdk(&self) -> sdk::ClassificationResult {
        sdk::ClassificationResult::builder()
            .set_mime_type(self.mime_type.clone())
            .set_size_classified(self.size_classified)
            .set_additional_occurrences(self.additional_occurrences)
            .set_status(self.status.as_ref().map(|s| {
                sdk::ClassificationStatus::builder()
                    .set_code(s.code.clone())
                    .set_reason(s.reason.clone())
                    .build()
            }))
            .set_sensitive_data(opt_vec(
                self.sensitive_data
                    .iter()
                    .map(|item| {
                        sdk::SensitiveDataResult::builder()
                            .set_category(item.category.clone())
                            .set_total_count(item.total_count)
                            .set_detections(opt_vec(
                                item.detections
                                    .iter()
                                    .map(|d| {
                                        sdk::SensitiveDataDetections::builder()
                                            .set_count(d.count)
                                            .set_type(d.kind.clone())
                                            .set_occurrences(d.occurrences.as_ref().map(Occurrences::to_sdk))
                                            .build()
                                    })
                                    .collect(),
                            ))
                            .build()
                    })
                    .collect(),
            ))
            .set_custom_data_identifiers(self.custom_data_identifiers.as_ref().map(|c| {
                sdk::CustomDataIdentifiersResult::builder()
                    .set_total_count(c.total_count)
                    .set_detections(opt_vec(
                        c.detections
                            .iter()
                            .map(|d| {
                                sdk::CustomDataIdentifiersDetections::builder()
                                    .set_count(d.count)
                                    .set_arn(d.arn.clone())
                                    .set_name(d.name.clone())
                                    .set_occurrences(d.occurrences.as_ref().map(Occurrences::to_sdk))
                                    .build()
                            })
                            .collect(),
                    ))
                    .build()
            }))
            .build()
    }

    fn from_sdk(r: &sdk::ClassificationResult) -> DataClassificationResult {
        DataClassificationResult {
            mime_type: r.mime_type().map(str::to_string),
            size_classified: r.size_classified(),
            additional_occurrences: r.additional_occurrences(),
            status: r.status().map(|s| ClassificationStatus {
                code: s.code().map(str::to_string),
                reason: s.reason().map(str::to_string),
            }),
            sensitive_data: r
                .sensitive_data()
                .iter()
                .map(|item| SensitiveDataResult {
                    category: item.category().map(str::to_string),
                    total_count: item.total_count(),
                    detections: item
                        .detections()
                        .iter()
                        .map(|d| SensitiveDataDetection {
                            count: d.count(),
                            kind: d.r#type().map(str::to_string),
                            occurrences: d.occurrences().map(Occurrences::from_sdk),
                        })
                        .collect(),
                })
                .collect(),
            custom_data_identifiers: r.custom_data_identifiers().map(|c| CustomDataIdentifiersResult {
                total_count: c.total_count(),
                detections: c
                    .detections()
                    .iter()
                    .map(|d| CustomDataIdentifierDetection {
                        count: d.count(),
                        arn: d.arn().map(str::to_string),
                        name: d.name().map(str::to_string),
                        occurrences: d.occurrences().map(Occurrences::from_sdk),
                    })
                    .collect(),
            }),
        }
    }
}

impl Occurrences {
    fn to_sdk(&self) -> sdk::Occurrences {
        sdk::Occurrences::builder()
            .set_line_ranges(opt_vec(
                self.line_ranges
                    .iter()
                    .map(|r| {
                        sdk::Range::builder()
                            .set_start(r.start)
                            .set_end(r.end)
                            .set_start_column(r.start_column)
                            .build()
                    })
                    .collect(),
            ))
            .set_pages(opt_vec(
                self.pages
                    .iter()
                    .map(|p| sdk::Page::builder().set_page_number(p.page_number).build())
                    .collect(),
            ))
            .set_records(opt_vec(
                self.records
                    .iter()
                    .map(|r| {
                        sdk::Record::builder()
                            .set_json_path(r.json_path.clone())
                            .set_record_index(r.record_index)
                            .build()
                    })
                    .collect(),
            ))
            .set_cells(opt_vec(
                self.cells
                    .iter()
                    .map(|c| {
                        sdk::Cell::builder()
                            .set_column(c.column)
                            .set_row(c.row)
                            .set_column_name(c.column_name.clone())
                            .set_cell_reference(c.cell_reference.clone())
                            .build()
                    })
                    .collect(),
            ))
            .build()
    }

    fn from_sdk(o: &sdk::Occurrences) -> Occurrences {
        Occurrences {
            line_ranges: o
                .line_ranges()
                .iter()
                .map(|r| Range { start: r.start(), end: r.end(), start_column: r.start_column() })
                .collect(),
            pages: o.pages().iter().map(|p| Page { page_number: p.page_number() }).collect(),
            records: o
                .records()
                .iter()
                .map(|r| Record {
                    json_path: r.json_path().map(str::to_string),
                    record_index: r.record_index(),
                })
                .collect(),
            cells: o
                .cells()
                .iter()
                .map(|c| Cell {
                    column: c.column(),
                    row: c.row(),
                    column_name: c.column_name().map(str::to_string),
                    cell_reference: c.cell_reference().map(str::to_string),
                })
                .collect(),
        }
    }
}
