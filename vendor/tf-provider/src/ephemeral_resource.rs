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

//! [`EphemeralResource`] module
//!
//! An ephemeral resource (protocol 6.7, Terraform 1.10) is opened when Terraform needs its
//! value, renewed while it is needed, and closed when no longer needed, within one
//! Terraform run. Its value is never stored in a plan or a state; the private state
//! returned by [`open`](EphemeralResource::open) is handed back to
//! [`renew`](EphemeralResource::renew) and [`close`](EphemeralResource::close), in
//! memory only.

use std::time::SystemTime;

use crate::capabilities::{ClientCapabilities, DeferredReason};
use crate::diagnostics::Diagnostics;
use crate::raw::RawValue;
use crate::schema::Schema;
use crate::utils::OptionFactor;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// What opening an ephemeral resource answers
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum EphemeralOpen<State, PrivateState> {
    /// The resource is open
    Open {
        /// The value of the resource: the configuration with the computed attributes set
        state: State,
        /// Handed back to [`EphemeralResource::renew`] and [`EphemeralResource::close`]
        private_state: PrivateState,
        /// When to call [`EphemeralResource::renew`] (never, if [`None`])
        renew_at: Option<SystemTime>,
    },
    /// The open is deferred to a later run (only when the client allows deferral, see
    /// [`ClientCapabilities::deferral_allowed`]): the value is answered unknown
    Deferred(DeferredReason),
}

#[async_trait]
/// Trait for implementing an ephemeral resource with automatic serialization/deserialization
///
/// See also: [`DynamicEphemeralResource`]
pub trait EphemeralResource: Send + Sync {
    /// State of the ephemeral resource: its configuration and its value
    ///
    /// The state will be automatically serialized/deserialized at the border of the request.
    type State<'a>: Serialize + Deserialize<'a> + Send;

    /// Private state of the ephemeral resource, from open to renew and close
    ///
    /// The private state will be automatically serialized/deserialized at the border of the request.
    type PrivateState<'a>: Serialize + Deserialize<'a> + Send;

    /// Get the schema of the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured when getting back the schema
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Validate the configuration of the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during validation
    /// * `config` - State as declared in the Terraform file (values may be unknown)
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        _ = diags;
        _ = config;
        Some(())
    }

    /// Open the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during the open
    /// * `config` - State as declared in the Terraform file
    /// * `capabilities` - What the client can handle (a deferral, for instance)
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn open<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        capabilities: ClientCapabilities,
    ) -> Option<EphemeralOpen<Self::State<'a>, Self::PrivateState<'a>>>;

    /// Renew the ephemeral resource, at the time its open or last renew asked for
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during the renew
    /// * `private_state` - Private state returned by the open or the last renew
    ///
    /// # Remarks
    ///
    /// Returns the new private state and when to renew again (never, if [`None`]).
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn renew<'a>(
        &self,
        diags: &mut Diagnostics,
        private_state: Self::PrivateState<'a>,
    ) -> Option<(Self::PrivateState<'a>, Option<SystemTime>)> {
        _ = private_state;
        diags.root_error_short("Renew is not supported");
        None
    }

    /// Close the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during the close
    /// * `private_state` - Private state returned by the open or the last renew
    ///
    /// # Remarks
    ///
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn close<'a>(
        &self,
        diags: &mut Diagnostics,
        private_state: Self::PrivateState<'a>,
    ) -> Option<()> {
        _ = diags;
        _ = private_state;
        Some(())
    }
}

#[async_trait]
/// Trait for implementing an ephemeral resource *without* automatic serialization/deserialization
///
/// See also: [`EphemeralResource`]
pub trait DynamicEphemeralResource: Send + Sync {
    /// Get the schema of the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured when getting back the schema
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema>;

    /// Validate the configuration of the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during validation
    /// * `config` - State as declared in the Terraform file (values may be unknown)
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        _ = diags;
        _ = config;
        Some(())
    }

    /// Open the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during the open
    /// * `config` - State as declared in the Terraform file
    /// * `capabilities` - What the client can handle (a deferral, for instance)
    ///
    /// # Remarks
    ///
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn open(
        &self,
        diags: &mut Diagnostics,
        config: RawValue,
        capabilities: ClientCapabilities,
    ) -> Option<EphemeralOpen<RawValue, Vec<u8>>>;

    /// Renew the ephemeral resource, at the time its open or last renew asked for
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during the renew
    /// * `private_state` - Private state returned by the open or the last renew
    ///
    /// # Remarks
    ///
    /// Returns the new private state and when to renew again (never, if [`None`]).
    /// The return is ignored if there is an error in diagnostics.
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn renew(
        &self,
        diags: &mut Diagnostics,
        private_state: Vec<u8>,
    ) -> Option<(Vec<u8>, Option<SystemTime>)> {
        _ = private_state;
        diags.root_error_short("Renew is not supported");
        None
    }

    /// Close the ephemeral resource
    ///
    /// # Arguments
    ///
    /// * `diags` - Diagnostics to record warnings and errors that occured during the close
    /// * `private_state` - Private state returned by the open or the last renew
    ///
    /// # Remarks
    ///
    /// If the return is [`None`], an ad-hoc error is added to diagnostics.
    async fn close(&self, diags: &mut Diagnostics, private_state: Vec<u8>) -> Option<()> {
        _ = diags;
        _ = private_state;
        Some(())
    }
}

#[async_trait]
impl<T: EphemeralResource> DynamicEphemeralResource for T {
    fn schema(&self, diags: &mut Diagnostics) -> Option<Schema> {
        <T as EphemeralResource>::schema(self, diags)
    }
    async fn validate(&self, diags: &mut Diagnostics, config: RawValue) -> Option<()> {
        let config = config.deserialize(diags)?;
        <T as EphemeralResource>::validate(self, diags, config).await
    }
    async fn open(
        &self,
        diags: &mut Diagnostics,
        config: RawValue,
        capabilities: ClientCapabilities,
    ) -> Option<EphemeralOpen<RawValue, Vec<u8>>> {
        let config = config.deserialize(diags)?;
        match <T as EphemeralResource>::open(self, diags, config, capabilities).await? {
            EphemeralOpen::Open {
                state,
                private_state,
                renew_at,
            } => {
                let (state, private_state) = (
                    RawValue::serialize(diags, &state),
                    RawValue::serialize_vec(diags, &private_state),
                )
                    .factor()?;
                Some(EphemeralOpen::Open {
                    state,
                    private_state,
                    renew_at,
                })
            }
            EphemeralOpen::Deferred(reason) => Some(EphemeralOpen::Deferred(reason)),
        }
    }
    async fn renew(
        &self,
        diags: &mut Diagnostics,
        private_state: Vec<u8>,
    ) -> Option<(Vec<u8>, Option<SystemTime>)> {
        let private_state = RawValue::MessagePack(private_state);
        let private_state = private_state.deserialize(diags)?;
        let (private_state, renew_at) =
            <T as EphemeralResource>::renew(self, diags, private_state).await?;
        Some((RawValue::serialize_vec(diags, &private_state)?, renew_at))
    }
    async fn close(&self, diags: &mut Diagnostics, private_state: Vec<u8>) -> Option<()> {
        let private_state = RawValue::MessagePack(private_state);
        let private_state = private_state.deserialize(diags)?;
        <T as EphemeralResource>::close(self, diags, private_state).await
    }
}

impl<T: EphemeralResource + 'static> From<T> for Box<dyn DynamicEphemeralResource> {
    fn from(value: T) -> Self {
        Box::new(value)
    }
}
