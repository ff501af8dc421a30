// This file is part of the tf-provider project
//
// Copyright (C) ANEO, 2024-2024. All rights reserved.
//
// Licensed under the Apache License, Version 2.0 (the "License")
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

//! Implementation of TF gRPC services for the version 6 of the protocol

use std::fmt::Write;
use std::sync::Arc;

use crate::attribute_path::{AttributePath, AttributePathStep};
use crate::capabilities::ClientCapabilities;
use crate::diagnostics::Diagnostics;
use crate::ephemeral_resource::EphemeralOpen;
use crate::raw::RawValue;
use crate::schema::Schema;
use crate::server::Server;
use crate::tfplugin6 as tf;
use crate::utils::{CollectDiagnostics, OptionExpand};
use crate::value::ValueEmpty;

#[tonic::async_trait]
impl tf::provider_server::Provider for Arc<Server> {
    async fn get_metadata(
        &self,
        _request: tonic::Request<tf::get_metadata::Request>,
    ) -> std::result::Result<tonic::Response<tf::get_metadata::Response>, tonic::Status> {
        let resources = self
            .resources
            .keys()
            .map(|name| tf::get_metadata::ResourceMetadata {
                type_name: name.clone(),
            })
            .collect();
        let data_sources = self
            .data_sources
            .keys()
            .map(|name| tf::get_metadata::DataSourceMetadata {
                type_name: name.clone(),
            })
            .collect();
        let ephemeral_resources = self
            .ephemeral_resources
            .keys()
            .map(|name| tf::get_metadata::EphemeralMetadata {
                type_name: name.clone(),
            })
            .collect();
        let functions = self
            .functions
            .keys()
            .map(|name| tf::get_metadata::FunctionMetadata { name: name.clone() })
            .collect();
        Ok(tonic::Response::new(tf::get_metadata::Response {
            server_capabilities: Some(tf::ServerCapabilities {
                plan_destroy: true,
                get_provider_schema_optional: false,
                move_resource_state: false,
            }),
            diagnostics: self.init_diags.clone().into(),
            data_sources,
            resources,
            ephemeral_resources,
            functions,
        }))
    }
    async fn get_provider_schema(
        &self,
        _request: tonic::Request<tf::get_provider_schema::Request>,
    ) -> Result<tonic::Response<tf::get_provider_schema::Response>, tonic::Status> {
        let schema = self.schema.as_ref().map(Into::into);
        let meta_schema = self.meta_schema.as_ref().map(Into::into);
        let resources = self
            .resources
            .iter()
            .map(|(name, (_, schema))| (name.clone(), schema.into()))
            .collect();
        let data_sources = self
            .data_sources
            .iter()
            .map(|(name, (_, schema))| (name.clone(), schema.into()))
            .collect();
        let ephemeral_resources = self
            .ephemeral_resources
            .iter()
            .map(|(name, (_, schema))| (name.clone(), schema.into()))
            .collect();
        let functions = self
            .functions
            .iter()
            .map(|(name, (_, schema))| (name.clone(), schema.into()))
            .collect();

        Ok(tonic::Response::new(tf::get_provider_schema::Response {
            provider: schema,
            resource_schemas: resources,
            data_source_schemas: data_sources,
            ephemeral_resource_schemas: ephemeral_resources,
            diagnostics: self.init_diags.clone().into(),
            provider_meta: meta_schema,
            server_capabilities: Some(tf::ServerCapabilities {
                plan_destroy: true,
                get_provider_schema_optional: false,
                move_resource_state: false,
            }),
            functions,
        }))
    }
    async fn validate_provider_config(
        &self,
        request: tonic::Request<tf::validate_provider_config::Request>,
    ) -> Result<tonic::Response<tf::validate_provider_config::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        _ = if let Some(config) = request.config {
            self.provider.validate(&mut diags, config.into()).await
        } else {
            None
        }
        .ok_or_else(|| diags.internal_error());

        Ok(tonic::Response::new(
            tf::validate_provider_config::Response {
                diagnostics: diags.into(),
            },
        ))
    }
    async fn validate_resource_config(
        &self,
        request: tonic::Request<tf::validate_resource_config::Request>,
    ) -> Result<tonic::Response<tf::validate_resource_config::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let capabilities = ClientCapabilities::from(request.client_capabilities);
        _ = if let (Some(resource), Some(config)) = (
            self.get_resource(&mut diags, &request.type_name),
            request.config,
        ) {
            let config = RawValue::from(config);
            if let (false, Some((_, schema))) = (
                capabilities.write_only_attributes_allowed,
                self.resources.get(&request.type_name),
            ) {
                refuse_write_only(&mut diags, schema, &config);
            }
            resource.validate(&mut diags, config).await
        } else {
            None
        }
        .ok_or_else(|| diags.internal_error());

        Ok(tonic::Response::new(
            tf::validate_resource_config::Response {
                diagnostics: diags.into(),
            },
        ))
    }
    async fn validate_data_resource_config(
        &self,
        request: tonic::Request<tf::validate_data_resource_config::Request>,
    ) -> Result<tonic::Response<tf::validate_data_resource_config::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        _ = if let (Some(data_source), Some(config)) = (
            self.get_data_source(&mut diags, &request.type_name),
            request.config,
        ) {
            data_source.validate(&mut diags, config.into()).await
        } else {
            None
        }
        .ok_or_else(|| diags.internal_error());

        Ok(tonic::Response::new(
            tf::validate_data_resource_config::Response {
                diagnostics: diags.into(),
            },
        ))
    }
    async fn upgrade_resource_state(
        &self,
        request: tonic::Request<tf::upgrade_resource_state::Request>,
    ) -> Result<tonic::Response<tf::upgrade_resource_state::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let upgraded_state = if let (Some((resource, schema)), Some(raw_state)) =
            (self.resources.get(&request.type_name), request.raw_state)
        {
            if raw_state.json.is_empty() {
                diags.root_error_short("Upgrading from a legacy state is not supported");
                None
            } else {
                let json = RawValue::Json(raw_state.json);
                if request.version == schema.version {
                    Some(json)
                } else {
                    resource.upgrade(&mut diags, request.version, json).await
                }
            }
        } else {
            None
        }
        .collect_diagnostics(&mut diags);

        Ok(tonic::Response::new(tf::upgrade_resource_state::Response {
            diagnostics: diags.into(),
            upgraded_state: upgraded_state.map(Into::into),
        }))
    }
    /// ////// One-time initialization, called before other functions below
    async fn configure_provider(
        &self,
        request: tonic::Request<tf::configure_provider::Request>,
    ) -> Result<tonic::Response<tf::configure_provider::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        if let Some(config) = request.config {
            if self
                .provider
                .configure(&mut diags, request.terraform_version, config.into())
                .await
                .is_none()
            {
                diags.internal_error();
            }
        }

        Ok(tonic::Response::new(tf::configure_provider::Response {
            diagnostics: diags.into(),
        }))
    }
    /// ////// Managed Resource Lifecycle
    async fn read_resource(
        &self,
        request: tonic::Request<tf::read_resource::Request>,
    ) -> Result<tonic::Response<tf::read_resource::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let (state, private_state) =
            if let (Some(resource), Some(state), Some(provider_meta_state)) = (
                self.get_resource(&mut diags, &request.type_name),
                request.current_state,
                request.provider_meta,
            ) {
                resource
                    .read(
                        &mut diags,
                        state.into(),
                        request.private,
                        provider_meta_state.into(),
                    )
                    .await
            } else {
                None
            }
            .expand();

        Ok(tonic::Response::new(tf::read_resource::Response {
            new_state: state.map(Into::into),
            diagnostics: diags.into(),
            private: private_state.unwrap_or_default(),
            deferred: None,
        }))
    }
    async fn plan_resource_change(
        &self,
        request: tonic::Request<tf::plan_resource_change::Request>,
    ) -> Result<tonic::Response<tf::plan_resource_change::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let (state, private_state, triggers) = if let (
            Some(resource),
            Some(prior_state),
            Some(proposed_state),
            Some(config_state),
            Some(provider_meta_state),
        ) = (
            self.get_resource(&mut diags, &request.type_name),
            request.prior_state,
            request.proposed_new_state,
            request.config,
            request.provider_meta,
        ) {
            let prior_state = RawValue::from(prior_state);
            let proposed_state = RawValue::from(proposed_state);
            let config_state = RawValue::from(config_state);

            match (
                prior_state.is_null(),
                proposed_state.is_null(),
                config_state.is_null(),
            ) {
                (false, false, false) => {
                    resource
                        .plan_update(
                            &mut diags,
                            prior_state,
                            proposed_state,
                            config_state,
                            request.prior_private,
                            provider_meta_state.into(),
                        )
                        .await
                }
                (false, true, true) => {
                    let planned_private = resource
                        .plan_destroy(
                            &mut diags,
                            prior_state,
                            request.prior_private,
                            provider_meta_state.into(),
                        )
                        .await;
                    Some((
                        Default::default(),
                        planned_private.unwrap_or_default(),
                        vec![],
                    ))
                }
                (true, false, false) => {
                    if let Some((state, private_state)) = resource
                        .plan_create(
                            &mut diags,
                            proposed_state,
                            config_state,
                            provider_meta_state.into(),
                        )
                        .await
                    {
                        Some((state, private_state, vec![]))
                    } else {
                        None
                    }
                }
                _ => {
                    diags.root_error_short("Resource is planned both for creation and deletion");
                    None
                }
            }
        } else {
            None
        }
        .map(|(state, private_state, triggers)| {
            (
                state.into(),
                private_state,
                triggers.into_iter().map(|attr| attr.into()).collect(),
            )
        })
        .collect_diagnostics(&mut diags)
        .expand();

        Ok(tonic::Response::new(tf::plan_resource_change::Response {
            planned_state: state,
            requires_replace: triggers.unwrap_or_default(),
            planned_private: private_state.unwrap_or_default(),
            diagnostics: diags.into(),
            legacy_type_system: false,
            deferred: None,
        }))
    }
    async fn apply_resource_change(
        &self,
        request: tonic::Request<tf::apply_resource_change::Request>,
    ) -> Result<tonic::Response<tf::apply_resource_change::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let (state, private_state) = if let (
            Some(resource),
            Some(prior_state),
            Some(planned_state),
            Some(config_state),
            Some(provider_meta_state),
        ) = (
            self.get_resource(&mut diags, &request.type_name),
            request.prior_state,
            request.planned_state,
            request.config,
            request.provider_meta,
        ) {
            let prior_state = RawValue::from(prior_state);
            let planned_state = RawValue::from(planned_state);
            let config_state = RawValue::from(config_state);

            match (
                prior_state.is_null(),
                planned_state.is_null(),
                config_state.is_null(),
            ) {
                (false, false, false) => {
                    resource
                        .update(
                            &mut diags,
                            prior_state,
                            planned_state,
                            config_state,
                            request.planned_private,
                            provider_meta_state.into(),
                        )
                        .await
                }
                (false, true, true) => {
                    resource
                        .destroy(
                            &mut diags,
                            prior_state,
                            request.planned_private,
                            provider_meta_state.into(),
                        )
                        .await;
                    Some((Default::default(), vec![]))
                }
                (true, false, false) => {
                    resource
                        .create(
                            &mut diags,
                            planned_state,
                            config_state,
                            request.planned_private,
                            provider_meta_state.into(),
                        )
                        .await
                }
                _ => {
                    diags.root_error_short("Resource is marked both for creation and deletion");
                    None
                }
            }
        } else {
            None
        }
        .collect_diagnostics(&mut diags)
        .expand();

        Ok(tonic::Response::new(tf::apply_resource_change::Response {
            new_state: state.map(Into::into),
            private: private_state.unwrap_or_default(),
            diagnostics: diags.into(),
            legacy_type_system: false,
        }))
    }
    async fn import_resource_state(
        &self,
        request: tonic::Request<tf::import_resource_state::Request>,
    ) -> Result<tonic::Response<tf::import_resource_state::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let imported = if let Some(resource) = self.get_resource(&mut diags, &request.type_name) {
            resource.import(&mut diags, request.id).await
        } else {
            None
        }
        .collect_diagnostics(&mut diags)
        .map(
            |(state, private_state)| tf::import_resource_state::ImportedResource {
                type_name: request.type_name,
                state: Some(state.into()),
                private: private_state,
            },
        );

        Ok(tonic::Response::new(tf::import_resource_state::Response {
            imported_resources: imported.into_iter().collect(),
            diagnostics: diags.into(),
            deferred: None,
        }))
    }

    async fn move_resource_state(
        &self,
        _request: tonic::Request<tf::move_resource_state::Request>,
    ) -> std::result::Result<tonic::Response<tf::move_resource_state::Response>, tonic::Status>
    {
        let mut diags = Diagnostics::default();
        diags.root_error_short("MoveResourceState is not implemented");
        Ok(tonic::Response::new(tf::move_resource_state::Response {
            diagnostics: diags.into(),
            target_private: vec![],
            target_state: None,
        }))
    }
    async fn read_data_source(
        &self,
        request: tonic::Request<tf::read_data_source::Request>,
    ) -> Result<tonic::Response<tf::read_data_source::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let state = if let (Some(data_source), Some(config), Some(provider_meta_state)) = (
            self.get_data_source(&mut diags, &request.type_name),
            request.config,
            request.provider_meta,
        ) {
            data_source
                .read(&mut diags, config.into(), provider_meta_state.into())
                .await
        } else {
            None
        }
        .collect_diagnostics(&mut diags);

        Ok(tonic::Response::new(tf::read_data_source::Response {
            state: state.map(Into::into),
            diagnostics: diags.into(),
            deferred: None,
        }))
    }
    /// ////// Ephemeral Resource Lifecycle
    async fn validate_ephemeral_resource_config(
        &self,
        request: tonic::Request<tf::validate_ephemeral_resource_config::Request>,
    ) -> Result<tonic::Response<tf::validate_ephemeral_resource_config::Response>, tonic::Status>
    {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        _ = if let (Some(resource), Some(config)) = (
            self.get_ephemeral_resource(&mut diags, &request.type_name),
            request.config,
        ) {
            resource.validate(&mut diags, config.into()).await
        } else {
            None
        }
        .ok_or_else(|| diags.internal_error());

        Ok(tonic::Response::new(
            tf::validate_ephemeral_resource_config::Response {
                diagnostics: diags.into(),
            },
        ))
    }
    async fn open_ephemeral_resource(
        &self,
        request: tonic::Request<tf::open_ephemeral_resource::Request>,
    ) -> Result<tonic::Response<tf::open_ephemeral_resource::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let capabilities = ClientCapabilities::from(request.client_capabilities);

        let opened = if let (Some(resource), Some(config)) = (
            self.get_ephemeral_resource(&mut diags, &request.type_name),
            request.config,
        ) {
            resource.open(&mut diags, config.into(), capabilities).await
        } else {
            None
        }
        .collect_diagnostics(&mut diags);

        let mut response = tf::open_ephemeral_resource::Response::default();
        match opened {
            Some(EphemeralOpen::Open {
                state,
                private_state,
                renew_at,
            }) => {
                response.result = Some(state.into());
                response.private = Some(private_state);
                response.renew_at = renew_at.map(Into::into);
            }
            Some(EphemeralOpen::Deferred(reason)) if capabilities.deferral_allowed => {
                // The value is unknown until the deferred open happens.
                response.result =
                    RawValue::serialize(&mut diags, &ValueEmpty::Unknown).map(Into::into);
                response.deferred = Some(reason.into());
            }
            Some(EphemeralOpen::Deferred(_)) => {
                diags.root_error(
                    "Ephemeral resource deferred",
                    "The provider deferred opening this ephemeral resource, but Terraform \
                     does not accept deferred answers in this run.",
                );
            }
            None => {}
        }
        response.diagnostics = diags.into();
        Ok(tonic::Response::new(response))
    }
    async fn renew_ephemeral_resource(
        &self,
        request: tonic::Request<tf::renew_ephemeral_resource::Request>,
    ) -> Result<tonic::Response<tf::renew_ephemeral_resource::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let (private_state, renew_at) =
            if let Some(resource) = self.get_ephemeral_resource(&mut diags, &request.type_name) {
                resource
                    .renew(&mut diags, request.private.unwrap_or_default())
                    .await
            } else {
                None
            }
            .collect_diagnostics(&mut diags)
            .expand();

        Ok(tonic::Response::new(
            tf::renew_ephemeral_resource::Response {
                diagnostics: diags.into(),
                renew_at: renew_at.flatten().map(Into::into),
                private: private_state,
            },
        ))
    }
    async fn close_ephemeral_resource(
        &self,
        request: tonic::Request<tf::close_ephemeral_resource::Request>,
    ) -> Result<tonic::Response<tf::close_ephemeral_resource::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        _ = if let Some(resource) = self.get_ephemeral_resource(&mut diags, &request.type_name) {
            resource
                .close(&mut diags, request.private.unwrap_or_default())
                .await
        } else {
            None
        }
        .collect_diagnostics(&mut diags);

        Ok(tonic::Response::new(
            tf::close_ephemeral_resource::Response {
                diagnostics: diags.into(),
            },
        ))
    }
    async fn get_functions(
        &self,
        _request: tonic::Request<tf::get_functions::Request>,
    ) -> std::result::Result<tonic::Response<tf::get_functions::Response>, tonic::Status> {
        let functions = self
            .functions
            .iter()
            .map(|(name, (_, schema))| (name.clone(), schema.into()))
            .collect();
        Ok(tonic::Response::new(tf::get_functions::Response {
            diagnostics: self.init_diags.clone().into(),
            functions,
        }))
    }
    async fn call_function(
        &self,
        request: tonic::Request<tf::call_function::Request>,
    ) -> std::result::Result<tonic::Response<tf::call_function::Response>, tonic::Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();

        let result = if let Some(function) = self.get_function(&mut diags, &request.name) {
            function
                .call(
                    &mut diags,
                    request.arguments.into_iter().map(Into::into).collect(),
                )
                .await
        } else {
            None
        }
        .collect_diagnostics(&mut diags);

        #[derive(Debug, Clone, Copy)]
        enum Index {
            None,
            Mixed,
            Unique(i64),
        }

        // Check if all diagnostics have the same index, if any
        let mut idx = Index::None;
        for diag in [&diags.errors, &diags.warnings].into_iter().flatten() {
            match (idx, diag.attribute.steps.as_slice()) {
                (Index::None, [AttributePathStep::Index(j)]) => {
                    idx = Index::Unique(*j);
                }
                (Index::Unique(i), [AttributePathStep::Index(j)]) if i == *j => (),
                _ => {
                    idx = Index::Mixed;
                }
            }
        }

        if diags.errors.is_empty() && !diags.warnings.is_empty() {
            diags.root_error_short("Function has emitted warnings");
        }

        // Format error message
        let (result, error) = if diags.errors.is_empty() {
            (result, None)
        } else {
            let mut message = String::new();
            let has_warnings = !diags.warnings.is_empty();
            for (diags, warning) in [(&diags.errors, false), (&diags.warnings, true)].into_iter() {
                let prefix = match (warning, has_warnings) {
                    (true, _) => "Warning: ",
                    (false, true) => "Error: ",
                    (false, false) => "",
                };

                for diag in diags {
                    if !message.is_empty() {
                        _ = writeln!(&mut message);
                    }
                    _ = write!(&mut message, "{prefix}");

                    if let (Index::None | Index::Mixed, [AttributePathStep::Index(j)]) =
                        (idx, diag.attribute.steps.as_slice())
                    {
                        _ = write!(&mut message, "Argument #{}: ", *j + 1);
                    };
                    _ = write!(&mut message, "{}", diag.summary);
                    if !diag.detail.is_empty() {
                        _ = write!(&mut message, "\n  {}", diag.detail);
                    }
                }
            }

            (
                None,
                Some(tf::FunctionError {
                    text: message,
                    function_argument: if let Index::Unique(i) = idx {
                        Some(i)
                    } else {
                        None
                    },
                }),
            )
        };

        Ok(tonic::Response::new(tf::call_function::Response {
            error,
            result: result.map(Into::into),
        }))
    }
    /// ////// Graceful Shutdown
    async fn stop_provider(
        &self,
        _request: tonic::Request<tf::stop_provider::Request>,
    ) -> Result<tonic::Response<tf::stop_provider::Response>, tonic::Status> {
        self.cancellation_token.cancel();

        Ok(tonic::Response::new(tf::stop_provider::Response {
            error: "".to_string(),
        }))
    }
}

/// Refuses the write-only attributes `config` sets, for a client that cannot handle
/// them (Terraform before 1.11 would store them in its plan and state).
///
/// Top-level attributes only: a write-only attribute nested in a block or in a nested
/// attribute is not looked for.
fn refuse_write_only(diags: &mut Diagnostics, schema: &Schema, config: &RawValue) {
    let write_only: Vec<&String> = schema
        .block
        .attributes
        .iter()
        .filter(|(_, attr)| attr.write_only)
        .map(|(name, _)| name)
        .collect();
    if write_only.is_empty() {
        return;
    }
    let Some(values) = config
        .deserialize::<std::collections::HashMap<String, Option<serde::de::IgnoredAny>>>(diags)
    else {
        return;
    };
    for name in write_only {
        if matches!(values.get(name.as_str()), Some(Some(_))) {
            diags.error(
                "Write-only attribute not allowed",
                format!(
                    "The attribute {name} is write-only, and this version of Terraform cannot \
                     handle write-only attributes: it would keep the value in its plan and \
                     state. Use Terraform 1.11 or later, or leave {name} unset."
                ),
                AttributePath::new(name.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime};

    use async_trait::async_trait;
    use futures::executor::block_on;
    use serde::{Deserialize, Serialize};

    use super::tf;
    use super::tf::provider_server::Provider as _;
    use crate::attribute_path::AttributePath;
    use crate::capabilities::{ClientCapabilities, DeferredReason};
    use crate::diagnostics::Diagnostics;
    use crate::ephemeral_resource::{DynamicEphemeralResource, EphemeralOpen, EphemeralResource};
    use crate::provider::Provider;
    use crate::raw::RawValue;
    use crate::resource::{DynamicResource, Resource};
    use crate::schema::{Attribute, AttributeConstraint, AttributeType, Block, Schema};
    use crate::server::Server;
    use crate::value::{Value, ValueEmpty};

    #[derive(Serialize, Deserialize)]
    struct Config {
        input: Value<String>,
        output: Value<String>,
    }

    #[derive(Serialize, Deserialize)]
    struct Private {
        input: Value<String>,
        renewed: u32,
    }

    /// Answers `input` followed by `!`; defers when `input` is `defer`; records what its
    /// renew and close were given.
    #[derive(Default)]
    struct Echo {
        closed: Arc<Mutex<Vec<String>>>,
    }

    fn schema(attributes: &[(&str, AttributeConstraint, bool)]) -> Schema {
        Schema {
            version: 1,
            block: Block {
                attributes: attributes
                    .iter()
                    .map(|(name, constraint, write_only)| {
                        let attribute = Attribute {
                            attr_type: AttributeType::String,
                            constraint: constraint.clone(),
                            write_only: *write_only,
                            ..Default::default()
                        };
                        (name.to_string(), attribute)
                    })
                    .collect(),
                ..Default::default()
            },
        }
    }

    #[async_trait]
    impl EphemeralResource for Echo {
        type State<'a> = Config;
        type PrivateState<'a> = Private;

        fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
            Some(schema(&[
                ("input", AttributeConstraint::Required, false),
                ("output", AttributeConstraint::Computed, false),
            ]))
        }
        async fn validate<'a>(&self, diags: &mut Diagnostics, config: Config) -> Option<()> {
            if config.input.as_ref_option().is_some_and(|i| i.is_empty()) {
                diags.error_short("input is empty", AttributePath::new("input"));
            }
            Some(())
        }
        async fn open<'a>(
            &self,
            _: &mut Diagnostics,
            config: Config,
            _: ClientCapabilities,
        ) -> Option<EphemeralOpen<Config, Private>> {
            let input = config.input.as_ref_option()?.clone();
            if input == "defer" {
                return Some(EphemeralOpen::Deferred(
                    DeferredReason::ResourceConfigUnknown,
                ));
            }
            Some(EphemeralOpen::Open {
                state: Config {
                    output: Value::Value(format!("{input}!")),
                    input: Value::Value(input.clone()),
                },
                private_state: Private {
                    input: Value::Value(input),
                    renewed: 0,
                },
                renew_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000)),
            })
        }
        async fn renew<'a>(
            &self,
            _: &mut Diagnostics,
            private: Private,
        ) -> Option<(Private, Option<SystemTime>)> {
            let renewed = Private {
                renewed: private.renewed + 1,
                ..private
            };
            Some((renewed, None))
        }
        async fn close<'a>(&self, _: &mut Diagnostics, private: Private) -> Option<()> {
            let input = private.input.as_ref_option()?.clone();
            let mut closed = self.closed.lock().unwrap_or_else(|e| e.into_inner());
            closed.push(format!("{input} renewed {}", private.renewed));
            Some(())
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Secretive {
        id: Value<String>,
        password: Value<String>,
    }

    /// A resource with a write-only `password`.
    struct WithPassword;

    #[async_trait]
    impl Resource for WithPassword {
        type State<'a> = Secretive;
        type PrivateState<'a> = ValueEmpty;
        type ProviderMetaState<'a> = ValueEmpty;
        fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
            Some(schema(&[
                ("id", AttributeConstraint::Computed, false),
                ("password", AttributeConstraint::Optional, true),
            ]))
        }
        async fn read<'a>(
            &self,
            _: &mut Diagnostics,
            state: Secretive,
            private: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(Secretive, ValueEmpty)> {
            Some((state, private))
        }
        async fn plan_create<'a>(
            &self,
            _: &mut Diagnostics,
            proposed: Secretive,
            _: Secretive,
            _: ValueEmpty,
        ) -> Option<(Secretive, ValueEmpty)> {
            Some((proposed, ValueEmpty::Null))
        }
        async fn plan_update<'a>(
            &self,
            _: &mut Diagnostics,
            _: Secretive,
            proposed: Secretive,
            _: Secretive,
            private: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(Secretive, ValueEmpty, Vec<AttributePath>)> {
            Some((proposed, private, vec![]))
        }
        async fn plan_destroy<'a>(
            &self,
            _: &mut Diagnostics,
            _: Secretive,
            private: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<ValueEmpty> {
            Some(private)
        }
        async fn create<'a>(
            &self,
            _: &mut Diagnostics,
            planned: Secretive,
            _: Secretive,
            private: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(Secretive, ValueEmpty)> {
            Some((planned, private))
        }
        async fn update<'a>(
            &self,
            _: &mut Diagnostics,
            _: Secretive,
            planned: Secretive,
            _: Secretive,
            private: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<(Secretive, ValueEmpty)> {
            Some((planned, private))
        }
        async fn destroy<'a>(
            &self,
            _: &mut Diagnostics,
            _: Secretive,
            _: ValueEmpty,
            _: ValueEmpty,
        ) -> Option<()> {
            Some(())
        }
    }

    /// A provider with one ephemeral resource (`test_echo`) and one resource
    /// (`test_password`), or with neither (`bare`).
    struct TestProvider {
        bare: bool,
        closed: Arc<Mutex<Vec<String>>>,
    }

    #[async_trait]
    impl Provider for TestProvider {
        type Config<'a> = ValueEmpty;
        type MetaState<'a> = ValueEmpty;
        fn schema(&self, _: &mut Diagnostics) -> Option<Schema> {
            Some(Schema {
                version: 1,
                block: Block::default(),
            })
        }
        fn get_resources(
            &self,
            _: &mut Diagnostics,
        ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
            if self.bare {
                return Some(HashMap::new());
            }
            Some(HashMap::from([(
                "password".to_string(),
                WithPassword.into(),
            )]))
        }
        fn get_ephemeral_resources(
            &self,
            _: &mut Diagnostics,
        ) -> Option<HashMap<String, Box<dyn DynamicEphemeralResource>>> {
            if self.bare {
                return Some(HashMap::new());
            }
            let echo = Echo {
                closed: self.closed.clone(),
            };
            Some(HashMap::from([("echo".to_string(), echo.into())]))
        }
    }

    fn server(bare: bool) -> (Arc<Server>, Arc<Mutex<Vec<String>>>) {
        let closed = Arc::new(Mutex::new(Vec::new()));
        let provider = TestProvider {
            bare,
            closed: closed.clone(),
        };
        (
            Arc::new(Server::new("test".into(), Box::new(provider))),
            closed,
        )
    }

    fn msgpack<T: Serialize>(value: &T) -> Option<tf::DynamicValue> {
        RawValue::serialize(&mut Diagnostics::default(), value).map(Into::into)
    }

    fn config(input: Value<String>) -> Option<tf::DynamicValue> {
        msgpack(&Config {
            input,
            output: Value::Null,
        })
    }

    fn decode<T: for<'a> Deserialize<'a>>(value: Option<tf::DynamicValue>) -> T {
        let raw = RawValue::from(value.expect("a value"));
        raw.deserialize(&mut Diagnostics::default())
            .expect("decoded")
    }

    fn open(
        server: &Arc<Server>,
        input: &str,
        capabilities: Option<tf::ClientCapabilities>,
    ) -> tf::open_ephemeral_resource::Response {
        let request = tf::open_ephemeral_resource::Request {
            type_name: "test_echo".into(),
            config: config(Value::Value(input.into())),
            client_capabilities: capabilities,
        };
        block_on(server.open_ephemeral_resource(tonic::Request::new(request)))
            .expect("answer")
            .into_inner()
    }

    #[test]
    fn metadata_and_schema_list_the_ephemeral_resources() {
        let (server, _) = server(false);
        let metadata = block_on(server.get_metadata(tonic::Request::new(Default::default())))
            .expect("metadata")
            .into_inner();
        let names: Vec<_> = metadata
            .ephemeral_resources
            .iter()
            .map(|e| e.type_name.as_str())
            .collect();
        assert_eq!(names, ["test_echo"]);
        let schema = block_on(server.get_provider_schema(tonic::Request::new(Default::default())))
            .expect("schema")
            .into_inner();
        let echo = schema.ephemeral_resource_schemas["test_echo"]
            .block
            .as_ref()
            .expect("a block");
        let mut attributes: Vec<_> = echo.attributes.iter().map(|a| a.name.as_str()).collect();
        attributes.sort();
        assert_eq!(attributes, ["input", "output"]);
        assert!(schema.resource_schemas.contains_key("test_password"));
        assert!(!schema.resource_schemas.contains_key("test_echo"));
    }

    #[test]
    fn a_provider_without_ephemeral_resources_serves_none() {
        let (server, _) = server(true);
        let schema = block_on(server.get_provider_schema(tonic::Request::new(Default::default())))
            .expect("schema")
            .into_inner();
        assert!(schema.ephemeral_resource_schemas.is_empty());
        assert!(schema.diagnostics.is_empty());
        let metadata = block_on(server.get_metadata(tonic::Request::new(Default::default())))
            .expect("metadata")
            .into_inner();
        assert!(metadata.ephemeral_resources.is_empty());
    }

    #[test]
    fn write_only_reaches_the_schema() {
        let (server, _) = server(false);
        let schema = block_on(server.get_provider_schema(tonic::Request::new(Default::default())))
            .expect("schema")
            .into_inner();
        let block = schema.resource_schemas["test_password"]
            .block
            .clone()
            .expect("a block");
        let write_only = |name: &str| {
            block
                .attributes
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.write_only)
        };
        assert_eq!(write_only("password"), Some(true));
        assert_eq!(write_only("id"), Some(false));
    }

    #[test]
    fn validate_reaches_the_ephemeral_resource() {
        let (server, _) = server(false);
        let validate = |input: Value<String>| {
            let request = tf::validate_ephemeral_resource_config::Request {
                type_name: "test_echo".into(),
                config: config(input),
            };
            block_on(server.validate_ephemeral_resource_config(tonic::Request::new(request)))
                .expect("answer")
                .into_inner()
                .diagnostics
        };
        let empty = validate(Value::Value(String::new()));
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].summary, "input is empty");
        assert!(validate(Value::Value("x".into())).is_empty());
        assert!(validate(Value::Unknown).is_empty());
    }

    #[test]
    fn open_renew_and_close_carry_the_private_state() {
        let (server, closed) = server(false);
        let opened = open(&server, "hello", None);
        assert!(opened.diagnostics.is_empty());
        assert!(opened.deferred.is_none());
        let result: Config = decode(opened.result);
        assert_eq!(result.output, Value::Value("hello!".into()));
        assert_eq!(result.input, Value::Value("hello".into()));
        let renew_at = opened.renew_at.expect("renew_at");
        assert_eq!(renew_at.seconds, 1_000_000);

        let renew = tf::renew_ephemeral_resource::Request {
            type_name: "test_echo".into(),
            private: opened.private,
        };
        let renewed = block_on(server.renew_ephemeral_resource(tonic::Request::new(renew)))
            .expect("answer")
            .into_inner();
        assert!(renewed.diagnostics.is_empty());
        assert!(renewed.renew_at.is_none());

        let close = tf::close_ephemeral_resource::Request {
            type_name: "test_echo".into(),
            private: renewed.private,
        };
        let closing = block_on(server.close_ephemeral_resource(tonic::Request::new(close)))
            .expect("answer")
            .into_inner();
        assert!(closing.diagnostics.is_empty());
        assert_eq!(*closed.lock().expect("lock"), ["hello renewed 1"]);
    }

    #[test]
    fn a_deferral_is_answered_only_to_a_client_that_allows_it() {
        let (server, _) = server(false);
        let allowed = tf::ClientCapabilities {
            deferral_allowed: true,
            write_only_attributes_allowed: true,
        };
        let deferred = open(&server, "defer", Some(allowed));
        assert!(deferred.diagnostics.is_empty());
        let reason = deferred.deferred.expect("deferred").reason;
        assert_eq!(reason, tf::deferred::Reason::ResourceConfigUnknown as i32);
        let result: ValueEmpty = decode(deferred.result);
        assert!(result.is_unknown());
        assert!(deferred.private.is_none());

        let refused = open(&server, "defer", None);
        assert!(refused.deferred.is_none());
        assert!(refused.result.is_none());
        assert_eq!(refused.diagnostics.len(), 1);
        assert_eq!(
            refused.diagnostics[0].summary,
            "Ephemeral resource deferred"
        );
    }

    #[test]
    fn an_unknown_ephemeral_resource_is_an_error() {
        let (server, closed) = server(false);
        let close = tf::close_ephemeral_resource::Request {
            type_name: "test_nothing".into(),
            private: None,
        };
        let closing = block_on(server.close_ephemeral_resource(tonic::Request::new(close)))
            .expect("answer")
            .into_inner();
        assert_eq!(closing.diagnostics.len(), 1);
        assert!(closing.diagnostics[0].summary.contains("test_nothing"));
        assert!(closed.lock().expect("lock").is_empty());
    }

    #[test]
    fn write_only_attributes_are_refused_to_a_client_without_them() {
        let (server, _) = server(false);
        let validate = |password: Value<String>, allowed: bool| {
            let request = tf::validate_resource_config::Request {
                type_name: "test_password".into(),
                config: msgpack(&Secretive {
                    id: Value::Null,
                    password,
                }),
                client_capabilities: Some(tf::ClientCapabilities {
                    deferral_allowed: false,
                    write_only_attributes_allowed: allowed,
                }),
            };
            block_on(server.validate_resource_config(tonic::Request::new(request)))
                .expect("answer")
                .into_inner()
                .diagnostics
        };
        let refused = validate(Value::Value("p".into()), false);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].summary, "Write-only attribute not allowed");
        assert_eq!(validate(Value::Unknown, false).len(), 1);
        assert!(validate(Value::Null, false).is_empty());
        assert!(validate(Value::Value("p".into()), true).is_empty());
    }
}
