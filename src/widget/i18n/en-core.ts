/**
 * The English sentences every element may need before its lazily loaded parts arrive (status, markers,
 * why it may only view, what failed, the list toggle, a text's checks). With en-parts.ts they make en.ts, the catalog the other
 * locales translate; the sentences of the parts come with the parts (parts.ts adds them).
 */
export const enCore = {
  status: {
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting… You can’t post until the connection is back.',
    offline: 'You are offline. Conversations show as last seen; you can’t post until your network is back.',
    // Short: it sits on the image; the composers say what it means for posting.
    unreachable: 'The server cannot be reached.',
    /** `{seconds}`: whole seconds until the next try, at least 1. */
    retryIn: 'Retrying in {seconds} s.',
    retrying: 'Retrying now…',
    retryNow: 'Retry now',
    dismiss: 'Dismiss this message',
    readonlyImage: 'This image is read-only.',
    viewOnly: 'You can view but not post here.',
    /** Opening a thread or a text box needs a part of the widget fetched on first use, and it did not arrive. */
    partsFailed: 'This part of the chat could not be loaded. Check your connection and try again.',
  },
  composer: {
    empty: 'Write a message first.',
    tooLong: 'This message is {length} characters long; the limit is {limit}.',
  },
  list: {
    toggle: { one: '{count} conversation: show the list', other: '{count} conversations: show the list' },
  },
  markers: {
    /** A marker's accessible name: the conversation's opening words follow it. */
    marker: 'Conversation {number} by {author}: {text}',
    resolved: '(resolved)',
    sending: '(sending)',
    replies: { one: '{count} reply.', other: '{count} replies.' },
    unread: { one: '{count} unread message.', other: '{count} unread messages.' },
    cluster: {
      one: '{count} conversation close together: {numbers}. Show it in a list.',
      other: '{count} conversations close together: {numbers}. Show them in a list.',
    },
    moveHelp: 'You can move this conversation: press M, then the arrow keys, then Enter.',
    image: 'Image',
    overlay: {
      one: '{alt}: {count} conversation. Press Enter to place a new one, arrow keys to move it, Enter again to write.',
      other: '{alt}: {count} conversations. Press Enter to place a new one, arrow keys to move it, Enter again to write.',
    },
    overlayViewOnly: { one: '{alt}: {count} conversation.', other: '{alt}: {count} conversations.' },
    thread: 'Conversation {number} by {author}',
  },
  /** What failed, before the reason (`{what}: {reason}` in `errors.sentence`). */
  failed: {
    create: 'Your comment was not posted',
    update: 'Your change was not saved',
    delete: 'The conversation was not deleted',
  },
  /** Why this identity may only view (the banner says it from the start); en-parts.ts has the other reasons. */
  errors: {
    readonlyToken: 'Your sign-in lets you view these conversations but not post.',
    readonlyView: 'This view is read-only.',
    readonlyGuests: 'Guests can view but not post here: sign in to take part.',
  },
};
