# Ruby on Rails in development mode.
FROM ruby:3.3
WORKDIR /rails
COPY . .
RUN apt-get update && apt-get install -y nodejs postgresql-client
RUN bundle install
EXPOSE 3000
CMD ["bin/rails", "server", "-b", "0.0.0.0"]
